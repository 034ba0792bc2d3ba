using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Tessera.Architecture.Tests.Namespaces;

/// <summary>
/// Builds an assembly's <see cref="NamespaceGraph"/> from its compiled metadata and IL, not from
/// <c>using</c> lines: a type uses every type of the same assembly named by its base type,
/// interfaces, generic constraints, field types, method signatures, custom attributes (their
/// constructors), and by every type, method, field and signature token in its method bodies,
/// together with their locals and catch clauses. A method or field token brings its declaring type
/// and the types of its signature; a generic instantiation brings its arguments.
/// </summary>
/// <remarks>
/// A nested type belongs to its outermost type's namespace, so compiler-generated closures and state
/// machines count where their source is. Only namespaces starting with <see cref="OwnPrefix"/> are
/// nodes: the compiler also emits types into the global namespace
/// (<c>&lt;PrivateImplementationDetails&gt;</c>) and into <c>System.Runtime.CompilerServices</c> or
/// <c>Microsoft.CodeAnalysis</c> (embedded attributes), which are not ours to arrange.
/// </remarks>
internal sealed class NamespaceGraphReader
{
    /// <summary>The namespaces that are nodes of the graph start with this.</summary>
    public const string OwnPrefix = "Tessera";

    private readonly MetadataReader md;
    private readonly PEReader pe;
    private readonly Dictionary<EntityHandle, OwnType[]> usesByToken = [];
    private readonly NamespaceGraph graph = new();

    /// <summary>A type of this assembly in one of our namespaces: the namespace it counts in, and its name.</summary>
    private readonly record struct OwnType(string Namespace, string Name);

    private NamespaceGraphReader(PEReader pe)
    {
        this.pe = pe;
        md = pe.GetMetadataReader();
    }

    /// <summary>The namespace graph of the assembly at <paramref name="path"/>.</summary>
    public static NamespaceGraph Read(string path)
    {
        using var pe = AssemblyFile.Open(path);
        var reader = new NamespaceGraphReader(pe);
        foreach (var type in reader.md.TypeDefinitions) reader.ReadType(type);
        return reader.graph;
    }

    private void ReadType(TypeDefinitionHandle handle)
    {
        if (Own(handle) is not { } user) return;
        var type = md.GetTypeDefinition(handle);
        Use(user, "base type", type.BaseType);
        foreach (var i in type.GetInterfaceImplementations()) Use(user, "interface", md.GetInterfaceImplementation(i).Interface);
        UseConstraints(user, "type", type.GetGenericParameters());
        UseAttributes(user, "type", type.GetCustomAttributes());

        foreach (var f in type.GetFields())
        {
            var field = md.GetFieldDefinition(f);
            var where = "field " + md.GetString(field.Name);
            UseSignature(user, where, c => field.DecodeSignature(c, null));
            UseAttributes(user, where, field.GetCustomAttributes());
        }
        foreach (var m in type.GetMethods()) ReadMethod(user, m);
        foreach (var p in type.GetProperties()) UseAttributes(user, "property " + md.GetString(md.GetPropertyDefinition(p).Name), md.GetPropertyDefinition(p).GetCustomAttributes());
        foreach (var e in type.GetEvents())
        {
            var ev = md.GetEventDefinition(e);
            Use(user, "event " + md.GetString(ev.Name), ev.Type);
            UseAttributes(user, "event " + md.GetString(ev.Name), ev.GetCustomAttributes());
        }
    }

    private void ReadMethod(OwnType user, MethodDefinitionHandle handle)
    {
        var method = md.GetMethodDefinition(handle);
        var name = "method " + md.GetString(method.Name);
        UseSignature(user, name + " signature", c => method.DecodeSignature(c, null));
        UseConstraints(user, name, method.GetGenericParameters());
        UseAttributes(user, name, method.GetCustomAttributes());
        foreach (var p in method.GetParameters()) UseAttributes(user, name + " parameter", md.GetParameter(p).GetCustomAttributes());

        if (method.RelativeVirtualAddress == 0) return;
        var body = pe.GetMethodBody(method.RelativeVirtualAddress);
        var where = name + " body";
        if (!body.LocalSignature.IsNil) Use(user, where, body.LocalSignature);
        foreach (var region in body.ExceptionRegions)
        {
            if (!region.CatchType.IsNil) Use(user, where, region.CatchType);
        }
        var tokens = new List<EntityHandle>();
        IlTokens.Read(body.GetILReader(), tokens, $"{user.Name}.{md.GetString(method.Name)}");
        foreach (var token in tokens) Use(user, where, token);
    }

    private void UseConstraints(OwnType user, string owner, GenericParameterHandleCollection parameters)
    {
        foreach (var p in parameters)
        {
            foreach (var c in md.GetGenericParameter(p).GetConstraints()) Use(user, owner + " generic constraint", md.GetGenericParameterConstraint(c).Type);
        }
    }

    private void UseAttributes(OwnType user, string owner, CustomAttributeHandleCollection attributes)
    {
        foreach (var a in attributes) Use(user, owner + " attribute", md.GetCustomAttribute(a).Constructor);
    }

    private void UseSignature(OwnType user, string where, Action<TypeHandleCollector> decode)
    {
        var uses = new List<OwnType>();
        Decode(uses, decode);
        foreach (var used in uses) graph.Add(user.Namespace, used.Namespace, new TypeUse(user.Name, used.Name, where));
    }

    private void Use(OwnType user, string where, EntityHandle token)
    {
        if (token.IsNil) return;
        foreach (var used in UsesOf(token)) graph.Add(user.Namespace, used.Namespace, new TypeUse(user.Name, used.Name, where));
    }

    /// <summary>The own types a token brings, cached: a method is called from many places.</summary>
    private OwnType[] UsesOf(EntityHandle token)
    {
        if (usesByToken.TryGetValue(token, out var cached)) return cached;
        var uses = new List<OwnType>();
        Collect(token, uses);
        return usesByToken[token] = uses.Distinct().ToArray();
    }

    private void Collect(EntityHandle token, List<OwnType> uses)
    {
        switch (token.Kind)
        {
            case HandleKind.TypeDefinition:
            case HandleKind.TypeReference:
                if (Own(token) is { } type) uses.Add(type);
                break;
            case HandleKind.TypeSpecification:
                Decode(uses, c => md.GetTypeSpecification((TypeSpecificationHandle)token).DecodeSignature(c, null));
                break;
            case HandleKind.MethodDefinition:
                var method = md.GetMethodDefinition((MethodDefinitionHandle)token);
                Collect(method.GetDeclaringType(), uses);
                Decode(uses, c => method.DecodeSignature(c, null));
                break;
            case HandleKind.FieldDefinition:
                var field = md.GetFieldDefinition((FieldDefinitionHandle)token);
                Collect(field.GetDeclaringType(), uses);
                Decode(uses, c => field.DecodeSignature(c, null));
                break;
            case HandleKind.MemberReference:
                var member = md.GetMemberReference((MemberReferenceHandle)token);
                if (member.Parent.Kind != HandleKind.ModuleReference) Collect(member.Parent, uses);
                if (member.GetKind() == MemberReferenceKind.Method) Decode(uses, c => member.DecodeMethodSignature(c, null));
                else Decode(uses, c => member.DecodeFieldSignature(c, null));
                break;
            case HandleKind.MethodSpecification:
                var instantiation = md.GetMethodSpecification((MethodSpecificationHandle)token);
                Collect(instantiation.Method, uses);
                Decode(uses, c => instantiation.DecodeSignature(c, null));
                break;
            case HandleKind.StandaloneSignature:
                var signature = md.GetStandaloneSignature((StandaloneSignatureHandle)token);
                if (signature.GetKind() == StandaloneSignatureKind.Method) Decode(uses, c => signature.DecodeMethodSignature(c, null));
                else Decode(uses, c => signature.DecodeLocalSignature(c, null));
                break;
            default:
                // A user string (ldstr is not a token operand here), a module reference: no type.
                break;
        }
    }

    /// <summary>Runs a signature decode and adds the own types it names.</summary>
    private void Decode(List<OwnType> uses, Action<TypeHandleCollector> decode)
    {
        var collector = new TypeHandleCollector();
        decode(collector);
        foreach (var handle in collector.Handles)
        {
            if (Own(handle) is { } type) uses.Add(type);
        }
    }

    /// <summary>The own type a type definition or reference names, or null when it is another
    /// assembly's or outside our namespaces.</summary>
    private OwnType? Own(EntityHandle handle)
    {
        string ns, name;
        if (handle.Kind == HandleKind.TypeDefinition)
        {
            var type = md.GetTypeDefinition((TypeDefinitionHandle)handle);
            name = md.GetString(type.Name);
            var declaring = type.GetDeclaringType();
            if (!declaring.IsNil) return Own(declaring) is { } outer ? outer with { Name = outer.Name + "+" + name } : null;
            ns = md.GetString(type.Namespace);
        }
        else if (handle.Kind == HandleKind.TypeReference)
        {
            // A reference into this very module (its scope is the module, or a type that is) is own.
            var type = md.GetTypeReference((TypeReferenceHandle)handle);
            name = md.GetString(type.Name);
            if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                return Own(type.ResolutionScope) is { } outer ? outer with { Name = outer.Name + "+" + name } : null;
            }
            if (type.ResolutionScope.Kind != HandleKind.ModuleDefinition) return null;
            ns = md.GetString(type.Namespace);
        }
        else
        {
            return null;
        }
        if (!(ns == OwnPrefix || ns.StartsWith(OwnPrefix + ".", StringComparison.Ordinal))) return null;
        return new OwnType(ns, ns + "." + name);
    }
}
