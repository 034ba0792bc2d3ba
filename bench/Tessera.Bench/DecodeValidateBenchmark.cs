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
    public const int ModuleSize = 6 * 1024 * 1024;
    private byte[] _wasm = [];

    /// <summary>The module's exact size, for the MB/s column.</summary>
    public static int ActualSize { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _wasm = SyntheticModule.Generate(ModuleSize, seed: 42);
        ActualSize = _wasm.Length;
    }

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
