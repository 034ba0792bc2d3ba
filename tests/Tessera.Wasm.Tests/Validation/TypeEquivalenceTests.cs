using Tessera.Wasm.Binary;
using Tessera.Wasm.Text;

namespace Tessera.Wasm.Tests.Validation;

/// <summary>Typed references compare defined types by structure (3.0's iso-recursive equivalence,
/// for types that are each their own recursion group).</summary>
public class TypeEquivalenceTests
{
    private static void Validate(string text) =>
        Tessera.Wasm.Validation.ModuleValidator.Validate(
            ModuleDecoder.Decode(WatAssembler.AssembleText(text, version: WatVersion.Wasm3), WasmFeatures.Wasm3), WasmFeatures.Wasm3);

    [Fact]
    public void StructurallyEqualTypesAreInterchangeable()
    {
        // $a and $b are both [] -> [], so are $c and $d whose parameters refer to them.
        Validate("""
            (module
              (type $a (func))
              (type $b (func))
              (type $c (func (param (ref $a))))
              (type $d (func (param (ref $b))))
              (func $f (param (ref $c)) (result (ref $d)) (local.get 0)))
            """);
    }

    [Fact]
    public void SelfReferencesMatchSelfReferences()
    {
        Validate("""
            (module
              (type $g (func (param (ref $g))))
              (type $h (func (param (ref $h))))
              (func (param (ref $g)) (result (ref $h)) (local.get 0)))
            """);
    }

    [Fact]
    public void DifferentStructureIsAMismatch()
    {
        var e = Assert.Throws<WasmValidationException>(() => Validate("""
            (module
              (type $a (func))
              (type $b (func (param i32)))
              (type $c (func (param (ref $a))))
              (type $d (func (param (ref $b))))
              (func (param (ref $c)) (result (ref $d)) (local.get 0)))
            """));
        Assert.StartsWith("type mismatch", e.Rule);
    }

    [Fact]
    public void ASelfReferenceDoesNotMatchAReferenceToAnEqualType()
    {
        // $g refers to itself; $k refers to $a = [] -> []: not the same recursive shape.
        var e = Assert.Throws<WasmValidationException>(() => Validate("""
            (module
              (type $a (func))
              (type $g (func (param (ref $g))))
              (type $k (func (param (ref $a))))
              (func (param (ref $g)) (result (ref $k)) (local.get 0)))
            """));
        Assert.StartsWith("type mismatch", e.Rule);
    }
}
