using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Tests.Runtime;

/// <summary>
/// A <see cref="ResourceQuota"/> shared by several stores: together they stop at it, each also
/// at its own limit, and what a store frees goes back. Page counts are the byte limits divided by
/// 64 KiB, worked out by hand.
/// </summary>
public class ResourceQuotaTests
{
    private static readonly Engine s_engine = new();

    private static readonly Module s_grower = Module.FromText(s_engine, StoreLimitsTests.Grower);

    private static readonly Module s_tableGrower = Module.FromText(s_engine, """
        (module (table 1 funcref)
          (func (export "grow_table") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))
        """);

    private static Instance Instantiate(Store store) => new Linker().Instantiate(store, s_grower);

    private static Instance InstantiateTable(Store store) => new Linker().Instantiate(store, s_tableGrower);

    private static int GrowUntilRefused(Instance instance) => instance.GetFunc("grow_until_refused")!.Invoke()[0].AsI32();

    [Fact]
    public void StoresSharingAQuotaStopTogetherAndGetBackWhatOneFrees()
    {
        // 10 pages for the compartment; a store's own limit of 6 pages also holds.
        var quota = new ResourceQuota(memoryBytes: 10 * 65536);
        var limits = new StoreLimits { MemoryBytes = 6 * 65536, Quota = quota };
        var first = new Store(s_engine, limits: limits);
        var second = new Store(s_engine, limits: limits);
        // The first store: 1 page at instantiation, 5 grown, then its own limit.
        Assert.Equal(5, GrowUntilRefused(Instantiate(first)));
        // The second: 1 page, then 3 more reach the quota's 10.
        var secondInstance = Instantiate(second);
        Assert.Equal(3, GrowUntilRefused(secondInstance));
        Assert.Equal(10 * 65536, quota.CommittedMemoryBytes);
        // A third store cannot even instantiate (its first page is over the quota), and an
        // unrelated store is not affected.
        Assert.Throws<WasmResourceLimitException>(() => Instantiate(new Store(s_engine, limits: limits)));
        Assert.Equal(3, GrowUntilRefused(Instantiate(new Store(s_engine, limits: new StoreLimits { MemoryBytes = 4 * 65536 }))));
        // Disposing the first gives its 6 pages back; the second grows by 2 more, to its own 6.
        first.Dispose();
        Assert.Equal(4 * 65536, quota.CommittedMemoryBytes);
        Assert.Equal(2, GrowUntilRefused(secondInstance));
        Assert.Equal(6 * 65536, quota.CommittedMemoryBytes);
        second.Dispose();
        Assert.Equal(0, quota.CommittedMemoryBytes);
    }

    [Fact]
    public void TableElementsCountAgainstTheQuotaUntilTheStoreIsDisposed()
    {
        var quota = new ResourceQuota(tableElements: 5);
        var limits = new StoreLimits { Quota = quota };
        var first = new Store(s_engine, limits: limits);
        var grow = InstantiateTable(first).GetFunc("grow_table")!;
        // 1 element at instantiation; growing by 4 reaches 5 (table.grow returns the old size),
        // one more is refused (-1).
        Assert.Equal(1, grow.Invoke(Value.I32(4))[0].AsI32());
        Assert.Equal(-1, grow.Invoke(Value.I32(1))[0].AsI32());
        Assert.Equal(5, quota.CommittedTableElements);
        // Another store's table of 1 element does not fit until the first store is disposed.
        Assert.Throws<WasmResourceLimitException>(() => InstantiateTable(new Store(s_engine, limits: limits)));
        first.Dispose();
        Assert.Equal(0, quota.CommittedTableElements);
        var next = InstantiateTable(new Store(s_engine, limits: limits)).GetFunc("grow_table")!;
        Assert.Equal(1, next.Invoke(Value.I32(4))[0].AsI32());
    }
}
