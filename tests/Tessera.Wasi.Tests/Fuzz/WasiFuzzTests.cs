namespace Tessera.Wasi.Tests.Fuzz;

/// <summary>
/// Structured fuzzing of the WASI layer (<see cref="WasiCallFuzzer"/>): random sequences of calls
/// with valid and invalid arguments against a sandbox over a temporary tree. Each seed is a fixed
/// sequence, so a failure reproduces; the message lists the calls before it. The default runs in
/// about a second; <c>TESSERA_WASI_FUZZ_CALLS</c> sets the calls per seed for a longer run.
/// </summary>
public sealed class WasiFuzzTests
{
    private const int DefaultCalls = 400;

    public static TheoryData<int> Seeds() => new(1, 2, 3, 4, 5, 6, 7, 8);

    private static int CallsPerSeed() =>
        int.TryParse(Environment.GetEnvironmentVariable("TESSERA_WASI_FUZZ_CALLS"), out int n) && n > 0 ? n : DefaultCalls;

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomCallsKeepTheHostAndTheOutsideIntact(int seed)
    {
        using var tree = new FuzzTree();
        var configuration = new WasiConfiguration().WithArguments("fuzz", "x").WithEnvironment("K", "V").WithPreopen(tree.Sandbox, "/sandbox");
        configuration.Stdin = WasiStdio.FromStream(new MemoryStream("stdin bytes"u8.ToArray()));
        configuration.Stdout = WasiStdio.FromStream(new MemoryStream());
        configuration.Stderr = WasiStdio.FromStream(new MemoryStream());
        using var guest = new Guest(configuration, WasiCallFuzzer.Pages);
        var fuzzer = new WasiCallFuzzer(seed, guest, tree);
        int calls = CallsPerSeed();
        for (int i = 0; i < calls; i++)
        {
            try
            {
                fuzzer.Step();
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}, call {i + 1}: {e.Message}\nlast calls:\n{fuzzer.Recent}\n{e}");
            }
        }
        Assert.Equal(calls, fuzzer.Calls);
        // Not vacuous: at the default length each seed gets calls of most functions past their
        // argument checks (about 25 of the 45 succeed at least once; a broken generator or a lost
        // preopen leaves a handful), and compares some effects with the host tree.
        string summary = $"seed {seed}: {calls} calls, {fuzzer.Modelled} modelled, successes {string.Join(" ", fuzzer.Successes.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}";
        Assert.True(fuzzer.Successes.Count >= Math.Min(15, calls / 20), summary);
        Assert.True(fuzzer.Successes.Keys.Count(f => f.StartsWith("path_", StringComparison.Ordinal)) >= Math.Min(4, calls / 100), summary);
    }
}
