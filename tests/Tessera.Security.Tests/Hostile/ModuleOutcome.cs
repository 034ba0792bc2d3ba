using System.Diagnostics;
using Tessera.Wasm;
using Tessera.Wasm.Runtime;
using Xunit.Abstractions;

namespace Tessera.Security.Tests.Hostile;

/// <summary>What became of one hostile module, as the hostile-input tests compare it.</summary>
internal static class ModuleOutcome
{
    /// <summary>
    /// Compiles <paramref name="bytes"/>, calls <paramref name="export"/> with
    /// <paramref name="arguments"/> and says what came of it: <c>ran: </c> and the results, or the
    /// typed error's name and message. Any other exception fails the test, and so does taking
    /// longer than <paramref name="bound"/>.
    /// </summary>
    public static string Of(ITestOutputHelper output, byte[] bytes, TimeSpan bound, Engine engine, string export = "f", params Value[] arguments)
    {
        var clock = Stopwatch.StartNew();
        string outcome;
        try
        {
            var module = Module.FromBytes(engine, bytes);
            var instance = new Linker().Instantiate(new Store(module.Engine), module);
            outcome = "ran: " + string.Join(' ', instance.GetFunc(export)!.Invoke(arguments));
        }
        catch (WasmException e)
        {
            outcome = e.GetType().Name + ": " + e.Message;
        }
        output.WriteLine($"{bytes.Length} bytes, {clock.Elapsed.TotalMilliseconds:F0} ms: {outcome}");
        Assert.True(clock.Elapsed < bound, $"took {clock.Elapsed.TotalSeconds:F1} s, bound {bound.TotalSeconds} s: {outcome}");
        return outcome;
    }
}
