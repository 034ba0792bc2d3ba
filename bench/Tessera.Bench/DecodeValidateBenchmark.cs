using BenchmarkDotNet.Attributes;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using Tessera.Wasm.Tests.Corpus;
using Tessera.Wasm.Validation;

namespace Tessera.Bench;

/// <summary>
/// Front-end throughput: decoding, and decoding plus validating, one large module. The module is
/// generated (a typed random walk over the 2.0 instruction set, about 6 MiB) so the benchmark needs
/// no external files and is the same on every machine.
/// </summary>
[MemoryDiagnoser]
public class DecodeValidateBenchmark
{
    private byte[] _wasm = [];

    /// <summary>The benchmark's module: at least 6 MiB, the same bytes on every run.</summary>
    public static byte[] CreateModule() => SyntheticModule.Generate(6 * 1024 * 1024, seed: 42);

    [GlobalSetup]
    public void Setup() => _wasm = CreateModule();

    [Benchmark]
    public ModuleDefinition Decode() => ModuleDecoder.Decode(_wasm);

    [Benchmark]
    public ModuleDefinition DecodeAndValidate()
    {
        var module = ModuleDecoder.Decode(_wasm);
        ModuleValidator.Validate(module);
        return module;
    }
}
