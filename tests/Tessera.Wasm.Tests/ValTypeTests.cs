using Tessera.Wasm.Model;

namespace Tessera.Wasm.Tests;

public class ValTypeTests
{
    [Fact]
    public void FuncRefIsNullableReferenceToFunc()
    {
        Assert.True(ValType.FuncRef.IsRef);
        Assert.True(ValType.FuncRef.IsNullable);
        Assert.Equal(HeapType.Func, ValType.FuncRef.Heap);
        Assert.NotEqual(ValType.FuncRef, ValType.ExternRef);
        Assert.Equal("funcref", ValType.FuncRef.ToString());
        Assert.Equal("(ref 3)", ValType.Ref(HeapType.Concrete(new TypeIndex(3)), false).ToString());
    }
}
