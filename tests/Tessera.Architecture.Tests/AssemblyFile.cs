using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Tessera.Architecture.Tests;

/// <summary>Reads a built assembly as a file with System.Reflection.Metadata: nothing is loaded into
/// the test process, so no type initializer runs and a broken assembly is an error, not a crash.</summary>
internal static class AssemblyFile
{
    /// <summary>The names of the assemblies <paramref name="path"/> references, in metadata order.</summary>
    public static IReadOnlyList<string> References(string path)
    {
        using var pe = Open(path);
        var md = pe.GetMetadataReader();
        return md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToArray();
    }

    /// <summary>Opens <paramref name="path"/>, failing with what to do when it is not there.</summary>
    public static PEReader Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path} is not in the test output: add a ProjectReference to its project in tests/Tessera.Architecture.Tests", path);
        }
        var pe = new PEReader(File.OpenRead(path));
        if (!pe.HasMetadata)
        {
            pe.Dispose();
            throw new BadImageFormatException($"{path} has no .NET metadata", path);
        }
        return pe;
    }
}
