using System.Reflection;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>The runtime members generated code references, resolved once.</summary>
internal static class Members
{
    private const BindingFlags Internal = BindingFlags.NonPublic | BindingFlags.Instance;
    public static readonly FieldInfo ContextStore = typeof(InstanceContext).GetField(nameof(InstanceContext.Store))!;
    public static readonly FieldInfo StackLimit = typeof(Store).GetField(nameof(Store.StackLimit), Internal)!;
    public static readonly FieldInfo TypeIds = typeof(InstanceContext).GetField(nameof(InstanceContext.TypeIds))!;
    public static readonly FieldInfo Constants = typeof(InstanceContext).GetField(nameof(InstanceContext.Constants))!;
    public static readonly FieldInfo OpaqueZeroI32 = typeof(OpaqueZero).GetField(nameof(OpaqueZero.I32), BindingFlags.NonPublic | BindingFlags.Static)!;
    public static readonly FieldInfo OpaqueZeroI64 = typeof(OpaqueZero).GetField(nameof(OpaqueZero.I64), BindingFlags.NonPublic | BindingFlags.Static)!;
    public static readonly FieldInfo FuncTarget = typeof(Func).GetField(nameof(Func.Target), Internal)!;
    public static readonly FieldInfo FuncCode = typeof(Func).GetField(nameof(Func.Code), Internal)!;
    public static readonly FieldInfo FuncTypeId = typeof(Func).GetField(nameof(Func.TypeId), Internal)!;
    public static readonly FieldInfo TableElements = typeof(Runtime.Table).GetField(nameof(Runtime.Table.Elements), Internal)!;
    public static readonly FieldInfo Memory0 = typeof(InstanceContext).GetField(nameof(InstanceContext.Memory0))!;
    public static readonly FieldInfo Memories = typeof(InstanceContext).GetField(nameof(InstanceContext.Memories))!;
    public static readonly FieldInfo Globals = typeof(InstanceContext).GetField(nameof(InstanceContext.Globals))!;
    public static readonly FieldInfo Functions = typeof(InstanceContext).GetField(nameof(InstanceContext.Functions))!;
    public static readonly FieldInfo Tables = typeof(InstanceContext).GetField(nameof(InstanceContext.Tables))!;
    public static readonly FieldInfo Data = typeof(InstanceContext).GetField(nameof(InstanceContext.Data))!;
    public static readonly FieldInfo Elements = typeof(InstanceContext).GetField(nameof(InstanceContext.Elements))!;
    public static readonly FieldInfo Types = typeof(InstanceContext).GetField(nameof(InstanceContext.Types))!;
    public static readonly FieldInfo MemoryBase = typeof(Runtime.Memory).GetField(nameof(Runtime.Memory.Base), Internal)!;
    public static readonly FieldInfo MemoryLength = typeof(Runtime.Memory).GetField(nameof(Runtime.Memory.Length), Internal)!;
    public static readonly FieldInfo GlobalRef = typeof(Global).GetField(nameof(Global.Ref), Internal)!;
    public static readonly FieldInfo GlobalBits = typeof(Global).GetField(nameof(Global.Bits), Internal)!;
    public static readonly FieldInfo GlobalVector = typeof(Global).GetField(nameof(Global.Vector), Internal)!;
    public static readonly FieldInfo SuspendState = typeof(InstanceContext).GetField(nameof(InstanceContext.SuspendState))!;
    public static readonly FieldInfo SuspendableDepth = typeof(InstanceContext).GetField(nameof(InstanceContext.SuspendableDepth))!;
    public static readonly FieldInfo EntryDepth = typeof(Store).GetField(nameof(Store.EntryDepth), Internal)!;
    public static readonly FieldInfo Fuel = typeof(InstanceContext).GetField(nameof(InstanceContext.Fuel))!;
    public static readonly FieldInfo Interrupt = typeof(InstanceContext).GetField(nameof(InstanceContext.Interrupt))!;
    public static readonly FieldInfo HostEntry = typeof(InstanceContext).GetField(nameof(InstanceContext.HostEntry))!;
    public static readonly MethodInfo FunctionRef = typeof(InstanceContext).GetMethod(nameof(InstanceContext.FunctionRef))!;
    public static readonly FieldInfo Slots = typeof(InstanceContext).GetField(nameof(InstanceContext.Slots))!;
    public static readonly FieldInfo RefSlots = typeof(InstanceContext).GetField(nameof(InstanceContext.RefSlots))!;
    public static readonly MethodInfo TrapThrow = typeof(WasmTrap).GetMethod(nameof(WasmTrap.Throw))!;
    public static readonly MethodInfo StackLimitReached = typeof(StackGuard).GetMethod(nameof(StackGuard.LimitReached))!;
    public static readonly MethodInfo TrapCreate = typeof(WasmTrap).GetMethod(nameof(WasmTrap.Create))!;
    public static readonly MethodInfo F32ToBits = typeof(BitConverter).GetMethod(nameof(BitConverter.SingleToUInt32Bits), [typeof(float)])!;
    public static readonly MethodInfo F64ToBits = typeof(BitConverter).GetMethod(nameof(BitConverter.DoubleToUInt64Bits), [typeof(double)])!;
    public static readonly MethodInfo F32FromBits = typeof(BitConverter).GetMethod(nameof(BitConverter.UInt32BitsToSingle), [typeof(uint)])!;
    public static readonly MethodInfo F64FromBits = typeof(BitConverter).GetMethod(nameof(BitConverter.UInt64BitsToDouble), [typeof(ulong)])!;

    public static readonly MethodInfo EmptyBytes = typeof(Array).GetMethod(nameof(Array.Empty))!.MakeGenericMethod(typeof(byte));

    public static readonly MethodInfo EmptyFuncs = typeof(Array).GetMethod(nameof(Array.Empty))!.MakeGenericMethod(typeof(object));
    public static MethodInfo Table(string name) => typeof(CallOps).GetMethod(name) ?? throw new InvalidOperationException("no CallOps." + name);

    public static MethodInfo Numeric(string name) => typeof(NumericOps).GetMethod(name) ?? throw new InvalidOperationException("no NumericOps." + name);
    public static MethodInfo Simd(string name) => typeof(SimdOps).GetMethod(name) ?? throw new InvalidOperationException("no SimdOps." + name);
    public static MethodInfo Resume(string name) => typeof(ResumeOps).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static) ?? throw new InvalidOperationException("no ResumeOps." + name);
    public static MethodInfo Memory(string name) => typeof(MemoryOps).GetMethod(name) ?? throw new InvalidOperationException("no MemoryOps." + name);
}
