using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Wasm.Caching;

/// <summary>
/// What a cache entry's code depends on, in two parts. The engine part (<see cref="EngineId"/>)
/// names a directory: one per build of the compiler, runtime and CPU, so entries of an old build
/// are never read and can be deleted together. The module part names the file: the SHA-256 of the
/// module's bytes and the enabled features.
/// </summary>
internal static class CacheKey
{
    /// <summary>
    /// Bump when the meaning of a cached image changes without Tessera.Wasm's code changing (the
    /// entry file's layout, say). Code changes need no bump: the engine id includes the module
    /// version id of Tessera.Wasm.dll, which a deterministic build derives from its content.
    /// </summary>
    public const int Format = 1;

    /// <summary>The engine part, as text (kept in docs and useful when debugging a stale cache).</summary>
    public static readonly string EngineDescription = DescribeEngine();

    /// <summary>16 hex digits of the SHA-256 of <see cref="EngineDescription"/>.</summary>
    public static readonly string EngineId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(EngineDescription)))[..16];

    /// <summary>The file name of a module's entry in its engine directory.</summary>
    public static string FileName(ReadOnlySpan<byte> moduleDigest, WasmFeatures features, Runtime.BoundsChecks bounds = Runtime.BoundsChecks.Explicit) =>
        $"{Convert.ToHexStringLower(moduleDigest)}-{(ulong)features:x}{BoundsSuffix(bounds)}.dll";

    /// <summary>Code compiled for guard pages has no bounds checks: it must never be loaded for an
    /// engine with explicit checks, so it has its own entry. Explicit entries keep the old name.</summary>
    private static string BoundsSuffix(Runtime.BoundsChecks bounds) => bounds == Runtime.BoundsChecks.Explicit ? "" : "-guard";

    /// <summary>The whole key, stored in the entry and compared on read, so an entry copied or
    /// renamed into the wrong place is never taken for another module's code.</summary>
    public static byte[] Digest(ReadOnlySpan<byte> moduleDigest, WasmFeatures features, Runtime.BoundsChecks bounds = Runtime.BoundsChecks.Explicit) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"{EngineDescription}\nmodule={Convert.ToHexStringLower(moduleDigest)}\nfeatures={(ulong)features:x}{BoundsSuffix(bounds)}"));

    private static string DescribeEngine()
    {
        var engine = typeof(CacheKey).Assembly;
        string version = engine.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return string.Join('\n',
            $"format={Format}",
            $"engine={version}",
            $"engine-mvid={engine.ManifestModule.ModuleVersionId}",
            $"runtime={RuntimeInformation.FrameworkDescription}",
            $"arch={RuntimeInformation.ProcessArchitecture}",
            $"cpu={CpuFeatures()}");
    }

    /// <summary>
    /// The instruction sets the JIT may use. Cached images are IL, which the JIT compiles for the
    /// CPU it runs on, so today they would be correct on any CPU; the features are in the key so
    /// that caching machine code later (ReadyToRun images), or compiling by CPU, cannot load code
    /// built for another machine from a shared home directory.
    /// </summary>
    private static string CpuFeatures()
    {
        var features = new List<string>();
        void Add(string name, bool supported)
        {
            if (supported) features.Add(name);
        }
        Add("x86base", X86Base.IsSupported);
        Add("sse4.1", Sse41.IsSupported);
        Add("sse4.2", Sse42.IsSupported);
        Add("popcnt", Popcnt.IsSupported);
        Add("lzcnt", Lzcnt.IsSupported);
        Add("bmi1", Bmi1.IsSupported);
        Add("bmi2", Bmi2.IsSupported);
        Add("avx", Avx.IsSupported);
        Add("avx2", Avx2.IsSupported);
        Add("fma", Fma.IsSupported);
        Add("avx512f", Avx512F.IsSupported);
        Add("avx512bw", Avx512BW.IsSupported);
        Add("armbase", ArmBase.IsSupported);
        Add("advsimd", AdvSimd.IsSupported);
        Add("v128", Vector128.IsHardwareAccelerated);
        Add("v256", Vector256.IsHardwareAccelerated);
        Add("v512", Vector512.IsHardwareAccelerated);
        return string.Join(',', features);
    }
}
