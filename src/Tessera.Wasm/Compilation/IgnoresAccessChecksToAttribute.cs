namespace System.Runtime.CompilerServices;

/// <summary>
/// Recognized by the runtime by name: applied to a dynamic assembly, it lets that assembly's code
/// use the internal members of the named assembly. Generated modules carry it for Tessera.Wasm, so
/// the runtime state they touch (instance contexts, function handles, the store's stack limit)
/// stays internal instead of being public API.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    public string AssemblyName { get; } = assemblyName;
}
