namespace Tessera.Wasi.Abi;

/// <summary>
/// Error codes of wasi_snapshot_preview1 (typenames.witx, <c>$errno</c>, an enum of u16), in the
/// specification's order: the numeric value is the position in that list.
/// </summary>
public enum Errno : ushort
{
    Success, TooBig, Access, AddrInUse, AddrNotAvail, AfNoSupport, Again, Already, BadF, BadMsg,
    Busy, Canceled, Child, ConnAborted, ConnRefused, ConnReset, DeadLk, DestAddrReq, Dom, DQuot,
    Exist, Fault, FBig, HostUnreach, IdRm, IlSeq, InProgress, Intr, Inval, Io,
    IsConn, IsDir, Loop, MFile, MLink, MsgSize, MultiHop, NameTooLong, NetDown, NetReset,
    NetUnreach, NFile, NoBufs, NoDev, NoEnt, NoExec, NoLck, NoLink, NoMem, NoMsg,
    NoProtoOpt, NoSpc, NoSys, NotConn, NotDir, NotEmpty, NotRecoverable, NotSock, NotSup, NotTy,
    NxIo, Overflow, OwnerDead, Perm, Pipe, Proto, ProtoNoSupport, ProtoType, Range, RoFs,
    SPipe, Srch, Stale, TimedOut, TxtBsy, XDev, NotCapable,
}
