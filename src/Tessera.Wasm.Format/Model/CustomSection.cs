namespace Tessera.Wasm.Model;

/// <summary>A custom section other than <c>name</c>, kept as bytes.</summary>
/// <param name="Name">The section's name.</param>
/// <param name="Content">Its payload after the name.</param>
/// <param name="Offset">Offset of the section id byte within the module binary.</param>
public sealed record CustomSection(string Name, ReadOnlyMemory<byte> Content, int Offset);
