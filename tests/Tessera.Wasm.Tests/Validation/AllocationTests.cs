using System.Text;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Validation;

namespace Tessera.Wasm.Tests.Validation;

/// <summary>Validation allocates per module, never per instruction.</summary>
public class AllocationTests
{
    /// <summary>A function whose body repeats a mix of instruction kinds <paramref name="repeat"/> times.</summary>
    private static byte[] Workload(int repeat)
    {
        var wat = new StringBuilder("""
            (module
              (type $t (func (param i32) (result i32)))
              (memory 1)
              (table 1 funcref)
              (global $g (mut i32) (i32.const 0))
              (func $f (type $t) (local i64 f64 v128)
            """);
        for (int i = 0; i < repeat; i++)
        {
            wat.Append("""
                (local.set 0 (i32.add (local.get 0) (i32.const 5)))
                (drop (block (result i32) (br_if 0 (local.get 0) (local.get 0))))
                (i32.store offset=4 (local.get 0) (i32.load (local.get 0)))
                (drop (select (i32.const 1) (i32.const 2) (local.get 0)))
                (drop (call $f (local.get 0)))
                (drop (call_indirect (type $t) (i32.const 0) (i32.const 0)))
                (global.set $g (local.get 0))
                (local.set 1 (i64.extend_i32_u (global.get $g)))
                (local.set 3 (i32x4.add (local.get 3) (i32x4.splat (local.get 0))))
                (if (local.get 0) (then (local.set 2 (f64.const 1))) (else (br 0)))
                (loop (br_if 0 (i32.eqz (local.get 0))))
                (block (block (br_table 0 1 (local.get 0))))

                """);
        }
        wat.Append("(local.get 0)))");
        return Wabt.Wat2Wasm(wat.ToString());
    }

    private static long AllocatedByValidation(byte[] wasm)
    {
        var module = ModuleDecoder.Decode(wasm);
        long before = GC.GetAllocatedBytesForCurrentThread();
        ModuleValidator.Validate(module);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void AllocationDoesNotGrowWithTheNumberOfInstructions()
    {
        byte[] small = Workload(10);
        byte[] large = Workload(2_000);
        Assert.True(large.Length > 50 * small.Length / 2);
        // Warm up: JIT compilation, and the thread's cached validator reaching its working size.
        for (int i = 0; i < 3; i++)
        {
            AllocatedByValidation(small);
            AllocatedByValidation(large);
        }
        long smallBytes = AllocatedByValidation(small);
        long largeBytes = AllocatedByValidation(large);
        Assert.True(largeBytes - smallBytes < 256, $"validating {large.Length} bytes allocated {largeBytes} B, {small.Length} bytes allocated {smallBytes} B");
    }
}
