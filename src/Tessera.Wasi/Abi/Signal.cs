namespace Tessera.Wasi.Abi;

/// <summary>Signal conditions of wasi_snapshot_preview1 (typenames.witx, <c>$signal</c>, an enum
/// of u8), in the specification's order. Newer wasi-libc no longer declares it (proc_raise was
/// dropped from its header), so unlike the other enums it is not checked against api.h.</summary>
public enum Signal : byte
{
    None, Hup, Int, Quit, Ill, Trap, Abrt, Bus, Fpe, Kill, Usr1, Segv, Usr2, Pipe, Alrm, Term,
    Chld, Cont, Stop, Tstp, Ttin, Ttou, Urg, Xcpu, Xfsz, Vtalrm, Prof, Winch, Poll, Pwr, Sys,
}
