using System.Diagnostics;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Tests.Corpus;
using Tessera.Wasm.Validation;
using Xunit.Abstractions;

namespace Tessera.Wasm.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of the decoder and validator with a fixed seed: every mutated module must be
/// accepted or rejected with a <see cref="WasmException"/>; any other exception, a hang, or an
/// allocation out of proportion to the input is a failure.
/// </summary>
public class DecoderFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 100_000;
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task MutatedModulesOnlyEverFailWithTypedErrors()
    {
        var seeds = new List<byte[]>();
        for (int s = 0; s < 8; s++) seeds.Add(SyntheticModule.Generate(2048 + 1024 * s, seed: 1000 + s, instructionsPerFunction: 40));
        seeds.AddRange(SpecCorpus.ValidBinaryModules(limit: 400));

        var random = new Random(20261124);
        int accepted = 0, malformed = 0, invalid = 0, unsupported = 0;
        long worstAllocationRatio = 0;
        var clock = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;

        // Run on a worker so that a hang fails the test instead of stalling the run.
        var work = Task.Run(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                var input = ModuleMutator.Mutate(seeds[random.Next(seeds.Count)], random);
                long before = GC.GetAllocatedBytesForCurrentThread();
                var started = clock.Elapsed;
                try
                {
                    var module = ModuleDecoder.Decode(input);
                    ModuleValidator.Validate(module);
                    accepted++;
                }
                catch (WasmFormatException) { malformed++; }
                catch (WasmValidationException) { invalid++; }
                catch (WasmUnsupportedFeatureException) { unsupported++; }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"iteration {i}: {e.GetType().Name} escaped for input {Convert.ToHexString(input)}: {e}");
                }
                var took = clock.Elapsed - started;
                if (took > slowest) slowest = took;
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                long ratio = allocated / Math.Max(input.Length, 1);
                if (ratio > worstAllocationRatio) worstAllocationRatio = ratio;
                // A length field must never make the decoder allocate far beyond the input's size.
                if (allocated > 64L * input.Length + (1 << 20))
                {
                    throw new Xunit.Sdk.XunitException($"iteration {i}: allocated {allocated} bytes for a {input.Length}-byte input");
                }
            }
        });
        await work.WaitAsync(Budget); // a TimeoutException here means a hang

        output.WriteLine($"{Iterations} mutated modules from {seeds.Count} seeds in {clock.Elapsed.TotalSeconds:F1} s: " +
            $"{accepted} accepted, {malformed} malformed, {invalid} invalid, {unsupported} unsupported; " +
            $"slowest {slowest.TotalMilliseconds:F1} ms, worst allocation {worstAllocationRatio} bytes per input byte");
        Assert.Equal(Iterations, accepted + malformed + invalid + unsupported);
        Assert.True(malformed > 0 && invalid > 0 && accepted > 0, "the mutations should reach every outcome");
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest module took {slowest}");
    }
}
