using System.Reflection;
using Tessera.Wasm.Runtime;

namespace Tessera.Wasm.Compilation;

/// <summary>
/// Adapters for typed host functions, written once as generic methods: for a delegate of type
/// <c>Func&lt;[Caller or Caller&lt;TData&gt;,] T1, ..., Tn, TResult&gt;</c> or
/// <c>Action&lt;[Caller or Caller&lt;TData&gt;,] T1, ..., Tn&gt;</c>
/// with up to <see cref="MaxParameters"/> parameters of <c>int</c>, <c>long</c>, <c>float</c>,
/// <c>double</c> or <c>object</c>, <see cref="HostAdapters"/> instantiates these instead of
/// generating IL.
/// </summary>
/// <remarks>
/// Why: generating a host function's adapter with Reflection.Emit costs a dynamic assembly, a type
/// and its IL the first time (about 20 ms of a <c>tessera run</c> that imports five WASI functions),
/// where instantiating a generic method costs a lookup and the JIT compiling a few instructions.
/// This is what Wasmtime's <c>Func::wrap</c> does with Rust generics: one trampoline per signature,
/// written once. Each adapter has the calling convention of compiled functions
/// (<see cref="ClrSignature"/>); the <c>Direct</c> form takes the calling instance's context
/// second (<see cref="HostAdapters"/>). Other shapes (several results, funcref or v128 values,
/// custom delegate types, more parameters) still get generated adapters.
/// </remarks>
internal static class GenericHostAdapters
{
    public const int MaxParameters = 9;

    private static readonly Type[] s_values = [typeof(int), typeof(long), typeof(float), typeof(double), typeof(object)];

    /// <summary>The adapters for <paramref name="delegateType"/>, if it has one of the shapes above.</summary>
    public static HostAdapters.Entries? TryGet(Type delegateType, Type? callerType)
    {
        if (!delegateType.IsGenericType && delegateType != typeof(Action)) return null;
        var definition = delegateType.IsGenericType ? delegateType.GetGenericTypeDefinition() : delegateType;
        var arguments = delegateType.IsGenericType ? delegateType.GetGenericArguments() : [];
        bool returns = definition.FullName!.StartsWith("System.Func`", StringComparison.Ordinal);
        if (!returns && definition != typeof(Action) && !definition.FullName.StartsWith("System.Action`", StringComparison.Ordinal)) return null;
        if (definition.Assembly != typeof(Action).Assembly) return null;
        int skip = callerType is null ? 0 : 1;
        int count = arguments.Length - skip - (returns ? 1 : 0);
        if (count > MaxParameters) return null;
        var values = new Type[arguments.Length - skip];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = arguments[i + skip];
            if (Array.IndexOf(s_values, values[i]) < 0) return null;
        }
        // A Caller<TData> adapter takes TData as its first type argument.
        var data = callerType is { IsGenericType: true } ? callerType.GetGenericArguments()[0] : null;
        if (data is not null) values = [data, .. values];
        string name = (callerType is null ? "" : data is null ? "C" : "D") + (returns ? "R" : "V") + count;
        return new(Pointer(name, values), Pointer(name + "Direct", values));
    }

    private static nint Pointer(string name, Type[] values)
    {
        var method = typeof(GenericHostAdapters).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;
        if (values.Length > 0) method = method.MakeGenericMethod(values);
        return method.MethodHandle.GetFunctionPointer();
    }

    // With a Caller, returning a value.
    private static TR CR0<TR>(InstanceContext self) => ((Func<Caller, TR>)self.HostCallback!)(new Caller(self.Caller));
    private static TR CR0Direct<TR>(InstanceContext self, InstanceContext caller) => ((Func<Caller, TR>)self.HostCallback!)(new Caller(caller));
    private static TR CR1<T1, TR>(InstanceContext self, T1 a1) => ((Func<Caller, T1, TR>)self.HostCallback!)(new Caller(self.Caller), a1);
    private static TR CR1Direct<T1, TR>(InstanceContext self, InstanceContext caller, T1 a1) => ((Func<Caller, T1, TR>)self.HostCallback!)(new Caller(caller), a1);
    private static TR CR2<T1, T2, TR>(InstanceContext self, T1 a1, T2 a2) => ((Func<Caller, T1, T2, TR>)self.HostCallback!)(new Caller(self.Caller), a1, a2);
    private static TR CR2Direct<T1, T2, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2) => ((Func<Caller, T1, T2, TR>)self.HostCallback!)(new Caller(caller), a1, a2);
    private static TR CR3<T1, T2, T3, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3) => ((Func<Caller, T1, T2, T3, TR>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3);
    private static TR CR3Direct<T1, T2, T3, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3) => ((Func<Caller, T1, T2, T3, TR>)self.HostCallback!)(new Caller(caller), a1, a2, a3);
    private static TR CR4<T1, T2, T3, T4, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4) => ((Func<Caller, T1, T2, T3, T4, TR>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4);
    private static TR CR4Direct<T1, T2, T3, T4, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4) => ((Func<Caller, T1, T2, T3, T4, TR>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4);
    private static TR CR5<T1, T2, T3, T4, T5, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Func<Caller, T1, T2, T3, T4, T5, TR>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4, a5);
    private static TR CR5Direct<T1, T2, T3, T4, T5, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Func<Caller, T1, T2, T3, T4, T5, TR>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4, a5);
    private static TR CR6<T1, T2, T3, T4, T5, T6, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Func<Caller, T1, T2, T3, T4, T5, T6, TR>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4, a5, a6);
    private static TR CR6Direct<T1, T2, T3, T4, T5, T6, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Func<Caller, T1, T2, T3, T4, T5, T6, TR>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4, a5, a6);
    private static TR CR7<T1, T2, T3, T4, T5, T6, T7, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Func<Caller, T1, T2, T3, T4, T5, T6, T7, TR>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4, a5, a6, a7);
    private static TR CR7Direct<T1, T2, T3, T4, T5, T6, T7, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Func<Caller, T1, T2, T3, T4, T5, T6, T7, TR>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4, a5, a6, a7);
    private static TR CR8<T1, T2, T3, T4, T5, T6, T7, T8, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Func<Caller, T1, T2, T3, T4, T5, T6, T7, T8, TR>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4, a5, a6, a7, a8);
    private static TR CR8Direct<T1, T2, T3, T4, T5, T6, T7, T8, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Func<Caller, T1, T2, T3, T4, T5, T6, T7, T8, TR>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4, a5, a6, a7, a8);
    private static TR CR9<T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Func<Caller, T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4, a5, a6, a7, a8, a9);
    private static TR CR9Direct<T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Func<Caller, T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4, a5, a6, a7, a8, a9);

    // With a Caller, returning nothing.
    private static void CV0(InstanceContext self) => ((Action<Caller>)self.HostCallback!)(new Caller(self.Caller));
    private static void CV0Direct(InstanceContext self, InstanceContext caller) => ((Action<Caller>)self.HostCallback!)(new Caller(caller));
    private static void CV1<T1>(InstanceContext self, T1 a1) => ((Action<Caller, T1>)self.HostCallback!)(new Caller(self.Caller), a1);
    private static void CV1Direct<T1>(InstanceContext self, InstanceContext caller, T1 a1) => ((Action<Caller, T1>)self.HostCallback!)(new Caller(caller), a1);
    private static void CV2<T1, T2>(InstanceContext self, T1 a1, T2 a2) => ((Action<Caller, T1, T2>)self.HostCallback!)(new Caller(self.Caller), a1, a2);
    private static void CV2Direct<T1, T2>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2) => ((Action<Caller, T1, T2>)self.HostCallback!)(new Caller(caller), a1, a2);
    private static void CV3<T1, T2, T3>(InstanceContext self, T1 a1, T2 a2, T3 a3) => ((Action<Caller, T1, T2, T3>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3);
    private static void CV3Direct<T1, T2, T3>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3) => ((Action<Caller, T1, T2, T3>)self.HostCallback!)(new Caller(caller), a1, a2, a3);
    private static void CV4<T1, T2, T3, T4>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4) => ((Action<Caller, T1, T2, T3, T4>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4);
    private static void CV4Direct<T1, T2, T3, T4>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4) => ((Action<Caller, T1, T2, T3, T4>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4);
    private static void CV5<T1, T2, T3, T4, T5>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Action<Caller, T1, T2, T3, T4, T5>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4, a5);
    private static void CV5Direct<T1, T2, T3, T4, T5>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Action<Caller, T1, T2, T3, T4, T5>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4, a5);
    private static void CV6<T1, T2, T3, T4, T5, T6>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Action<Caller, T1, T2, T3, T4, T5, T6>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4, a5, a6);
    private static void CV6Direct<T1, T2, T3, T4, T5, T6>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Action<Caller, T1, T2, T3, T4, T5, T6>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4, a5, a6);
    private static void CV7<T1, T2, T3, T4, T5, T6, T7>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Action<Caller, T1, T2, T3, T4, T5, T6, T7>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4, a5, a6, a7);
    private static void CV7Direct<T1, T2, T3, T4, T5, T6, T7>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Action<Caller, T1, T2, T3, T4, T5, T6, T7>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4, a5, a6, a7);
    private static void CV8<T1, T2, T3, T4, T5, T6, T7, T8>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Action<Caller, T1, T2, T3, T4, T5, T6, T7, T8>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4, a5, a6, a7, a8);
    private static void CV8Direct<T1, T2, T3, T4, T5, T6, T7, T8>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Action<Caller, T1, T2, T3, T4, T5, T6, T7, T8>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4, a5, a6, a7, a8);
    private static void CV9<T1, T2, T3, T4, T5, T6, T7, T8, T9>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Action<Caller, T1, T2, T3, T4, T5, T6, T7, T8, T9>)self.HostCallback!)(new Caller(self.Caller), a1, a2, a3, a4, a5, a6, a7, a8, a9);
    private static void CV9Direct<T1, T2, T3, T4, T5, T6, T7, T8, T9>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Action<Caller, T1, T2, T3, T4, T5, T6, T7, T8, T9>)self.HostCallback!)(new Caller(caller), a1, a2, a3, a4, a5, a6, a7, a8, a9);

    // With a Caller<TData>, returning a value.
    private static TR DR0<TData, TR>(InstanceContext self) => ((Func<Caller<TData>, TR>)self.HostCallback!)(new Caller<TData>(self.Caller));
    private static TR DR0Direct<TData, TR>(InstanceContext self, InstanceContext caller) => ((Func<Caller<TData>, TR>)self.HostCallback!)(new Caller<TData>(caller));
    private static TR DR1<TData, T1, TR>(InstanceContext self, T1 a1) => ((Func<Caller<TData>, T1, TR>)self.HostCallback!)(new Caller<TData>(self.Caller), a1);
    private static TR DR1Direct<TData, T1, TR>(InstanceContext self, InstanceContext caller, T1 a1) => ((Func<Caller<TData>, T1, TR>)self.HostCallback!)(new Caller<TData>(caller), a1);
    private static TR DR2<TData, T1, T2, TR>(InstanceContext self, T1 a1, T2 a2) => ((Func<Caller<TData>, T1, T2, TR>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2);
    private static TR DR2Direct<TData, T1, T2, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2) => ((Func<Caller<TData>, T1, T2, TR>)self.HostCallback!)(new Caller<TData>(caller), a1, a2);
    private static TR DR3<TData, T1, T2, T3, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3) => ((Func<Caller<TData>, T1, T2, T3, TR>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3);
    private static TR DR3Direct<TData, T1, T2, T3, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3) => ((Func<Caller<TData>, T1, T2, T3, TR>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3);
    private static TR DR4<TData, T1, T2, T3, T4, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4) => ((Func<Caller<TData>, T1, T2, T3, T4, TR>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4);
    private static TR DR4Direct<TData, T1, T2, T3, T4, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4) => ((Func<Caller<TData>, T1, T2, T3, T4, TR>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4);
    private static TR DR5<TData, T1, T2, T3, T4, T5, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Func<Caller<TData>, T1, T2, T3, T4, T5, TR>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4, a5);
    private static TR DR5Direct<TData, T1, T2, T3, T4, T5, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Func<Caller<TData>, T1, T2, T3, T4, T5, TR>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4, a5);
    private static TR DR6<TData, T1, T2, T3, T4, T5, T6, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Func<Caller<TData>, T1, T2, T3, T4, T5, T6, TR>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4, a5, a6);
    private static TR DR6Direct<TData, T1, T2, T3, T4, T5, T6, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Func<Caller<TData>, T1, T2, T3, T4, T5, T6, TR>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4, a5, a6);
    private static TR DR7<TData, T1, T2, T3, T4, T5, T6, T7, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Func<Caller<TData>, T1, T2, T3, T4, T5, T6, T7, TR>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4, a5, a6, a7);
    private static TR DR7Direct<TData, T1, T2, T3, T4, T5, T6, T7, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Func<Caller<TData>, T1, T2, T3, T4, T5, T6, T7, TR>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4, a5, a6, a7);
    private static TR DR8<TData, T1, T2, T3, T4, T5, T6, T7, T8, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Func<Caller<TData>, T1, T2, T3, T4, T5, T6, T7, T8, TR>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4, a5, a6, a7, a8);
    private static TR DR8Direct<TData, T1, T2, T3, T4, T5, T6, T7, T8, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Func<Caller<TData>, T1, T2, T3, T4, T5, T6, T7, T8, TR>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4, a5, a6, a7, a8);
    private static TR DR9<TData, T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Func<Caller<TData>, T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4, a5, a6, a7, a8, a9);
    private static TR DR9Direct<TData, T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Func<Caller<TData>, T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4, a5, a6, a7, a8, a9);

    // With a Caller<TData>, returning nothing.
    private static void DV0<TData>(InstanceContext self) => ((Action<Caller<TData>>)self.HostCallback!)(new Caller<TData>(self.Caller));
    private static void DV0Direct<TData>(InstanceContext self, InstanceContext caller) => ((Action<Caller<TData>>)self.HostCallback!)(new Caller<TData>(caller));
    private static void DV1<TData, T1>(InstanceContext self, T1 a1) => ((Action<Caller<TData>, T1>)self.HostCallback!)(new Caller<TData>(self.Caller), a1);
    private static void DV1Direct<TData, T1>(InstanceContext self, InstanceContext caller, T1 a1) => ((Action<Caller<TData>, T1>)self.HostCallback!)(new Caller<TData>(caller), a1);
    private static void DV2<TData, T1, T2>(InstanceContext self, T1 a1, T2 a2) => ((Action<Caller<TData>, T1, T2>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2);
    private static void DV2Direct<TData, T1, T2>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2) => ((Action<Caller<TData>, T1, T2>)self.HostCallback!)(new Caller<TData>(caller), a1, a2);
    private static void DV3<TData, T1, T2, T3>(InstanceContext self, T1 a1, T2 a2, T3 a3) => ((Action<Caller<TData>, T1, T2, T3>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3);
    private static void DV3Direct<TData, T1, T2, T3>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3) => ((Action<Caller<TData>, T1, T2, T3>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3);
    private static void DV4<TData, T1, T2, T3, T4>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4) => ((Action<Caller<TData>, T1, T2, T3, T4>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4);
    private static void DV4Direct<TData, T1, T2, T3, T4>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4) => ((Action<Caller<TData>, T1, T2, T3, T4>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4);
    private static void DV5<TData, T1, T2, T3, T4, T5>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Action<Caller<TData>, T1, T2, T3, T4, T5>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4, a5);
    private static void DV5Direct<TData, T1, T2, T3, T4, T5>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Action<Caller<TData>, T1, T2, T3, T4, T5>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4, a5);
    private static void DV6<TData, T1, T2, T3, T4, T5, T6>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Action<Caller<TData>, T1, T2, T3, T4, T5, T6>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4, a5, a6);
    private static void DV6Direct<TData, T1, T2, T3, T4, T5, T6>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Action<Caller<TData>, T1, T2, T3, T4, T5, T6>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4, a5, a6);
    private static void DV7<TData, T1, T2, T3, T4, T5, T6, T7>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Action<Caller<TData>, T1, T2, T3, T4, T5, T6, T7>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4, a5, a6, a7);
    private static void DV7Direct<TData, T1, T2, T3, T4, T5, T6, T7>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Action<Caller<TData>, T1, T2, T3, T4, T5, T6, T7>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4, a5, a6, a7);
    private static void DV8<TData, T1, T2, T3, T4, T5, T6, T7, T8>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Action<Caller<TData>, T1, T2, T3, T4, T5, T6, T7, T8>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4, a5, a6, a7, a8);
    private static void DV8Direct<TData, T1, T2, T3, T4, T5, T6, T7, T8>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Action<Caller<TData>, T1, T2, T3, T4, T5, T6, T7, T8>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4, a5, a6, a7, a8);
    private static void DV9<TData, T1, T2, T3, T4, T5, T6, T7, T8, T9>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Action<Caller<TData>, T1, T2, T3, T4, T5, T6, T7, T8, T9>)self.HostCallback!)(new Caller<TData>(self.Caller), a1, a2, a3, a4, a5, a6, a7, a8, a9);
    private static void DV9Direct<TData, T1, T2, T3, T4, T5, T6, T7, T8, T9>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Action<Caller<TData>, T1, T2, T3, T4, T5, T6, T7, T8, T9>)self.HostCallback!)(new Caller<TData>(caller), a1, a2, a3, a4, a5, a6, a7, a8, a9);

    // Without a Caller, returning a value.
    private static TR R0<TR>(InstanceContext self) => ((Func<TR>)self.HostCallback!)();
    private static TR R0Direct<TR>(InstanceContext self, InstanceContext caller) => ((Func<TR>)self.HostCallback!)();
    private static TR R1<T1, TR>(InstanceContext self, T1 a1) => ((Func<T1, TR>)self.HostCallback!)(a1);
    private static TR R1Direct<T1, TR>(InstanceContext self, InstanceContext caller, T1 a1) => ((Func<T1, TR>)self.HostCallback!)(a1);
    private static TR R2<T1, T2, TR>(InstanceContext self, T1 a1, T2 a2) => ((Func<T1, T2, TR>)self.HostCallback!)(a1, a2);
    private static TR R2Direct<T1, T2, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2) => ((Func<T1, T2, TR>)self.HostCallback!)(a1, a2);
    private static TR R3<T1, T2, T3, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3) => ((Func<T1, T2, T3, TR>)self.HostCallback!)(a1, a2, a3);
    private static TR R3Direct<T1, T2, T3, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3) => ((Func<T1, T2, T3, TR>)self.HostCallback!)(a1, a2, a3);
    private static TR R4<T1, T2, T3, T4, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4) => ((Func<T1, T2, T3, T4, TR>)self.HostCallback!)(a1, a2, a3, a4);
    private static TR R4Direct<T1, T2, T3, T4, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4) => ((Func<T1, T2, T3, T4, TR>)self.HostCallback!)(a1, a2, a3, a4);
    private static TR R5<T1, T2, T3, T4, T5, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Func<T1, T2, T3, T4, T5, TR>)self.HostCallback!)(a1, a2, a3, a4, a5);
    private static TR R5Direct<T1, T2, T3, T4, T5, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Func<T1, T2, T3, T4, T5, TR>)self.HostCallback!)(a1, a2, a3, a4, a5);
    private static TR R6<T1, T2, T3, T4, T5, T6, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Func<T1, T2, T3, T4, T5, T6, TR>)self.HostCallback!)(a1, a2, a3, a4, a5, a6);
    private static TR R6Direct<T1, T2, T3, T4, T5, T6, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Func<T1, T2, T3, T4, T5, T6, TR>)self.HostCallback!)(a1, a2, a3, a4, a5, a6);
    private static TR R7<T1, T2, T3, T4, T5, T6, T7, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Func<T1, T2, T3, T4, T5, T6, T7, TR>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7);
    private static TR R7Direct<T1, T2, T3, T4, T5, T6, T7, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Func<T1, T2, T3, T4, T5, T6, T7, TR>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7);
    private static TR R8<T1, T2, T3, T4, T5, T6, T7, T8, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Func<T1, T2, T3, T4, T5, T6, T7, T8, TR>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7, a8);
    private static TR R8Direct<T1, T2, T3, T4, T5, T6, T7, T8, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Func<T1, T2, T3, T4, T5, T6, T7, T8, TR>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7, a8);
    private static TR R9<T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Func<T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7, a8, a9);
    private static TR R9Direct<T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Func<T1, T2, T3, T4, T5, T6, T7, T8, T9, TR>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7, a8, a9);

    // Without a Caller, returning nothing.
    private static void V0(InstanceContext self) => ((Action)self.HostCallback!)();
    private static void V0Direct(InstanceContext self, InstanceContext caller) => ((Action)self.HostCallback!)();
    private static void V1<T1>(InstanceContext self, T1 a1) => ((Action<T1>)self.HostCallback!)(a1);
    private static void V1Direct<T1>(InstanceContext self, InstanceContext caller, T1 a1) => ((Action<T1>)self.HostCallback!)(a1);
    private static void V2<T1, T2>(InstanceContext self, T1 a1, T2 a2) => ((Action<T1, T2>)self.HostCallback!)(a1, a2);
    private static void V2Direct<T1, T2>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2) => ((Action<T1, T2>)self.HostCallback!)(a1, a2);
    private static void V3<T1, T2, T3>(InstanceContext self, T1 a1, T2 a2, T3 a3) => ((Action<T1, T2, T3>)self.HostCallback!)(a1, a2, a3);
    private static void V3Direct<T1, T2, T3>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3) => ((Action<T1, T2, T3>)self.HostCallback!)(a1, a2, a3);
    private static void V4<T1, T2, T3, T4>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4) => ((Action<T1, T2, T3, T4>)self.HostCallback!)(a1, a2, a3, a4);
    private static void V4Direct<T1, T2, T3, T4>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4) => ((Action<T1, T2, T3, T4>)self.HostCallback!)(a1, a2, a3, a4);
    private static void V5<T1, T2, T3, T4, T5>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Action<T1, T2, T3, T4, T5>)self.HostCallback!)(a1, a2, a3, a4, a5);
    private static void V5Direct<T1, T2, T3, T4, T5>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) => ((Action<T1, T2, T3, T4, T5>)self.HostCallback!)(a1, a2, a3, a4, a5);
    private static void V6<T1, T2, T3, T4, T5, T6>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Action<T1, T2, T3, T4, T5, T6>)self.HostCallback!)(a1, a2, a3, a4, a5, a6);
    private static void V6Direct<T1, T2, T3, T4, T5, T6>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) => ((Action<T1, T2, T3, T4, T5, T6>)self.HostCallback!)(a1, a2, a3, a4, a5, a6);
    private static void V7<T1, T2, T3, T4, T5, T6, T7>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Action<T1, T2, T3, T4, T5, T6, T7>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7);
    private static void V7Direct<T1, T2, T3, T4, T5, T6, T7>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) => ((Action<T1, T2, T3, T4, T5, T6, T7>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7);
    private static void V8<T1, T2, T3, T4, T5, T6, T7, T8>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Action<T1, T2, T3, T4, T5, T6, T7, T8>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7, a8);
    private static void V8Direct<T1, T2, T3, T4, T5, T6, T7, T8>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) => ((Action<T1, T2, T3, T4, T5, T6, T7, T8>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7, a8);
    private static void V9<T1, T2, T3, T4, T5, T6, T7, T8, T9>(InstanceContext self, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Action<T1, T2, T3, T4, T5, T6, T7, T8, T9>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7, a8, a9);
    private static void V9Direct<T1, T2, T3, T4, T5, T6, T7, T8, T9>(InstanceContext self, InstanceContext caller, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) => ((Action<T1, T2, T3, T4, T5, T6, T7, T8, T9>)self.HostCallback!)(a1, a2, a3, a4, a5, a6, a7, a8, a9);
}
