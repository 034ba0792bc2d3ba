using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;
using Tessera.Wasm.Text;

// Not Tessera.Wasm.Tests.Model: that namespace would hide Tessera.Wasm.Model from the tests that
// write Model.ValType and the like.
namespace Tessera.Wasm.Tests.ModelTests;

/// <summary>
/// A decoded module cannot be changed through the public API: no public type of the model has a
/// public setter (init-only ones build a new value, they change none), a writable field, or a
/// member typed as a mutable collection; and the lists a <see cref="ModuleDefinition"/> hands out
/// cannot be cast to a mutable interface or to the array behind them.
/// </summary>
public class ReadOnlyModelTests
{
    private static readonly Type[] MutableCollections =
    [
        typeof(List<>), typeof(Dictionary<,>), typeof(HashSet<>), typeof(Queue<>), typeof(Stack<>),
        typeof(IList<>), typeof(ICollection<>), typeof(IDictionary<,>), typeof(ISet<>),
    ];

    private static IEnumerable<Type> ModelTypes() =>
        typeof(ModuleDefinition).Assembly.GetExportedTypes().Where(t => t.Namespace == typeof(ModuleDefinition).Namespace);

    private static bool IsMutableCollection(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) type = underlying;
        if (type.IsArray) return true;
        if (type == typeof(IList) || type == typeof(IDictionary) || type == typeof(ArrayList)) return true;
        return type.IsGenericType && MutableCollections.Contains(type.GetGenericTypeDefinition());
    }

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));

    [Fact]
    public void TheModelsPublicTypesExposeNothingMutable()
    {
        var problems = new List<string>();
        foreach (var type in ModelTypes())
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (property.SetMethod is { IsPublic: true } setter && !IsInitOnly(setter)) problems.Add($"{type.Name}.{property.Name} has a public setter");
                if (IsMutableCollection(property.PropertyType)) problems.Add($"{type.Name}.{property.Name} is a {property.PropertyType.Name}");
            }
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (type.IsEnum) continue;
                if (!field.IsInitOnly && !field.IsLiteral) problems.Add($"{type.Name}.{field.Name} is a writable field");
                if (IsMutableCollection(field.FieldType)) problems.Add($"{type.Name}.{field.Name} is a {field.FieldType.Name}");
            }
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (!method.IsSpecialName && IsMutableCollection(method.ReturnType)) problems.Add($"{type.Name}.{method.Name}() returns a {method.ReturnType.Name}");
            }
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void TheCheckFindsASetterAndAMutableCollection()
    {
        // The predicates above, on a type that breaks both rules: the test can fail.
        var property = typeof(Mutable).GetProperty(nameof(Mutable.Items))!;
        Assert.False(IsInitOnly(property.SetMethod!));
        Assert.True(IsMutableCollection(property.PropertyType));
        Assert.True(IsMutableCollection(typeof(ValType[])));
        Assert.True(IsInitOnly(typeof(ElementSegment).GetProperty(nameof(ElementSegment.Table))!.SetMethod!));
        Assert.False(IsMutableCollection(typeof(IReadOnlyList<FuncType>)));
    }

    private sealed class Mutable
    {
        public List<int> Items { get; set; } = new();
    }

    [Fact]
    public void TheListsOfADecodedModuleCannotBeCastToSomethingWritable()
    {
        var module = ModuleDecoder.Decode(WatAssembler.AssembleText("""
            (module
              (type (func))
              (import "m" "f" (func (type 0)))
              (table 1 funcref)
              (memory 1)
              (global i32 (i32.const 0))
              (func (type 0))
              (export "f" (func 0))
              (elem (i32.const 0) func 1)
              (data (i32.const 0) "x"))
            """));
        var lists = typeof(ModuleDefinition).GetProperties()
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            .ToList();
        // One list per section that holds a vector: type, import, function, table, memory, tag,
        // global, export, element, code, data and custom (start, data count and name are not lists).
        Assert.Equal(12, lists.Count);
        foreach (var property in lists)
        {
            var value = property.GetValue(module)!;
            Assert.False(value.GetType().IsArray, $"{property.Name} is an array");
            Assert.False(value is IList, $"{property.Name} is an IList");
            var writable = value.GetType().GetInterfaces().Where(i => i.IsGenericType && MutableCollections.Contains(i.GetGenericTypeDefinition()));
            Assert.True(!writable.Any(), $"{property.Name} implements {string.Join(", ", writable)}");
        }
        // And they read as the sections: one of each but the start section.
        Assert.Equal(
            [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1],
            new[] { module.Types.Count, module.Imports.Count, module.Functions.Count, module.Tables.Count, module.Memories.Count, module.Globals.Count, module.Tags.Count, module.Exports.Count, module.Elements.Count, module.Bodies.Count, module.Data.Count });
        Assert.Equal([new TypeIndex(0)], module.Functions);
        Assert.Equal(new FuncIndex(1), Assert.Single(module.Elements).Functions!.Value[0]);
    }

    [Fact]
    public void AModuleBuiltFromABuilderDoesNotSeeLaterChangesToIt()
    {
        var builder = new ModuleDefinitionBuilder(ReadOnlyMemory<byte>.Empty);
        builder.Types.Add(new FuncType([], []));
        builder.Tables = [new TableType(ValType.FuncRef, new Limits(1, null))];
        var module = builder.Build();
        builder.Types.Add(new FuncType([ValType.I32], []));
        builder.Imports.Add(new Import("m", "f", ExternKind.Func) { FunctionType = new TypeIndex(1) });
        builder.Tables[0] = new TableType(ValType.ExternRef, new Limits(2, null));
        Assert.Single(module.Types);
        Assert.Empty(module.Imports);
        Assert.Equal(0, module.ImportedFunctionCount);
        Assert.Equal(new TableType(ValType.FuncRef, new Limits(1, null)), module.TableType(new TableIndex(0)));
    }
}
