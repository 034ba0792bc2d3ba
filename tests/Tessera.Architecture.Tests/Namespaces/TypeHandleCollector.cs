using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace Tessera.Architecture.Tests.Namespaces;

/// <summary>
/// A signature decoder's provider that only collects the type definitions and references a signature
/// names (element types, generic arguments, modifiers, function pointer parameters), into
/// <see cref="Handles"/>. The decoded "types" themselves carry nothing.
/// </summary>
internal sealed class TypeHandleCollector : ISignatureTypeProvider<TypeHandleCollector.Nothing, object?>
{
    /// <summary>The result type of decoding: carries nothing.</summary>
    internal readonly struct Nothing;

    /// <summary>What the decodes so far named, in order, repeats included.</summary>
    public List<EntityHandle> Handles { get; } = [];

    public Nothing GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
    {
        Handles.Add(handle);
        return default;
    }

    public Nothing GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
    {
        Handles.Add(handle);
        return default;
    }

    public Nothing GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    public Nothing GetSZArrayType(Nothing elementType) => default;
    public Nothing GetArrayType(Nothing elementType, ArrayShape shape) => default;
    public Nothing GetByReferenceType(Nothing elementType) => default;
    public Nothing GetPointerType(Nothing elementType) => default;
    public Nothing GetPinnedType(Nothing elementType) => default;
    public Nothing GetGenericInstantiation(Nothing genericType, ImmutableArray<Nothing> typeArguments) => default;
    public Nothing GetGenericMethodParameter(object? genericContext, int index) => default;
    public Nothing GetGenericTypeParameter(object? genericContext, int index) => default;
    public Nothing GetModifiedType(Nothing modifier, Nothing unmodifiedType, bool isRequired) => default;
    public Nothing GetFunctionPointerType(MethodSignature<Nothing> signature) => default;
    public Nothing GetPrimitiveType(PrimitiveTypeCode typeCode) => default;
}
