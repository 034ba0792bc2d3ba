using System.Buffers.Binary;
using System.Text;
using Tessera.Kernel.Mailboxes;
using Tessera.Wasm.Runtime;

namespace Tessera.Kernel.Tasks;

/// <summary>
/// The task API as guests see it: host functions of the import module <c>tessera_task</c>
/// (docs/abi.md; guest/include/tessera/task.h). Task ids are i64, pointers and lengths i32 into the
/// caller's memory 0; a pointer out of bounds traps like a load would. <c>receive</c>, <c>sleep</c> and
/// <c>yield</c> suspend: they are called again when the task resumes (a restart, as for a Unix
/// system call), so each first ends the rewind, then does its work again from the task's state.
/// </summary>
internal static class TaskImports
{
    public const string ModuleName = "tessera_task";

    public static IReadOnlySet<(string Module, string Name)> Suspending { get; } =
        new HashSet<(string, string)> { (ModuleName, "receive"), (ModuleName, "receive_value"), (ModuleName, "sleep"), (ModuleName, "yield") };

    /// <summary>What <c>receive_value</c> returns when its timeout passes.</summary>
    public const long ValueTimeout = long.MinValue;

    /// <summary>Error results, negative like errno.</summary>
    public const int NoSuchTask = -1, MailboxFull = -2, BadName = -3, Timeout = -1;

    public static void Define(Linker linker, Kernel kernel)
    {
        linker.Define(ModuleName, "self", Func.Wrap((Caller<KernelTask> caller) => caller.Data.Id.Value));
        linker.Define(ModuleName, "spawn", Func.Wrap((Caller<KernelTask> caller, int slot, long argument) =>
            kernel.SpawnTask(caller.Instance!.Module, new TaskEntry(null, slot), [Value.I64(argument)], caller.Data.Wasi, quota: caller.Data.Quota).Id.Value));
        linker.Define(ModuleName, "spawn_local", Func.Wrap((Caller<KernelTask> caller, int slot, long argument) =>
            kernel.SpawnLocal(caller.Data, new TaskEntry(null, slot), [Value.I64(argument)]).Id.Value));
        linker.Define(ModuleName, "send", Func.Wrap((Caller<KernelTask> caller, long to, int tag, int pointer, int length) => Send(kernel, caller, to, tag, pointer, length)));
        linker.Define(ModuleName, "send_move", Func.Wrap((Caller<KernelTask> caller, long to, int tag, int pointer, int length) => SendMove(kernel, caller, to, tag, pointer, length)));
        linker.Define(ModuleName, "receive", Func.Wrap((Caller<KernelTask> caller, int tag, int buffer, int capacity, long timeout, int info) => Receive(kernel, caller, tag, buffer, capacity, timeout, info)));
        linker.Define(ModuleName, "send_value", Func.Wrap((Caller<KernelTask> caller, long to, int tag, long value) => SendValue(kernel, caller, to, tag, value)));
        linker.Define(ModuleName, "receive_value", Func.Wrap((Caller<KernelTask> caller, int tag, long timeout) => ReceiveValue(kernel, caller, tag, timeout)));
        linker.Define(ModuleName, "sleep", Func.Wrap((Caller<KernelTask> caller, long milliseconds) => Sleep(kernel, caller, milliseconds)));
        linker.Define(ModuleName, "yield", Func.Wrap((Caller<KernelTask> caller) => Yield(caller)));
        linker.Define(ModuleName, "kill", Func.Wrap((Caller<KernelTask> caller, long id) => kernel.Kill(new TaskId(id), $"killed by {caller.Data.Id}") ? 0 : NoSuchTask));
        linker.Define(ModuleName, "monitor", Func.Wrap((Caller<KernelTask> caller, long id) => kernel.Monitor(caller.Data.Id, new TaskId(id)) ? 0 : NoSuchTask));
        linker.Define(ModuleName, "link", Func.Wrap((Caller<KernelTask> caller, long id) => kernel.Link(caller.Data.Id, new TaskId(id)) ? 0 : NoSuchTask));
        linker.Define(ModuleName, "register", Func.Wrap((Caller<KernelTask> caller, int name, int length) =>
            ReadName(caller, name, length) is { } s && kernel.Register(s, caller.Data.Id) ? 0 : BadName));
        linker.Define(ModuleName, "whereis", Func.Wrap((Caller<KernelTask> caller, int name, int length) =>
            ReadName(caller, name, length) is { } s && kernel.WhereIs(s) is { } id ? id.Value : 0L));
    }

    /// <summary>send(to, tag, pointer, length): a copy of the bytes to the task's mailbox; 0, or
    /// -1 (no such task), -2 (its mailbox is full), -3 (a negative tag: those are the kernel's).</summary>
    private static int Send(Kernel kernel, Caller<KernelTask> caller, long to, int tag, int pointer, int length)
    {
        if (tag < 0) return BadName;
        return Deliver(kernel, to, Message.CopyOf(caller.Data.Id, tag, Bytes(caller, pointer, length)));
    }

    /// <summary>send_move(to, tag, pointer, length): as send, but the sender gives the bytes up:
    /// after a delivery the range reads as zero. The range's whole aligned units
    /// (<see cref="KernelOptions.MoveUnit"/>) change memories without being copied, the bytes around
    /// them are copied; with no whole unit, or where pages cannot move, all is copied and the range
    /// zeroed, so the guest sees the same either way. A refused message leaves the range as it was.</summary>
    private static int SendMove(Kernel kernel, Caller<KernelTask> caller, long to, int tag, int pointer, int length)
    {
        if (tag < 0) return BadName;
        var range = Bytes(caller, pointer, length);
        var from = caller.Data.Id;
        long unit = kernel.Options.MoveUnit;
        long first = ((long)(uint)pointer + unit - 1) / unit * unit, end = ((long)(uint)pointer + length) / unit * unit;
        var memory = caller.Memory;
        var pages = memory is not null && end > first ? memory.DetachPages(first, end - first) : null;
        if (pages is null)
        {
            int copied = Deliver(kernel, to, Message.CopyOf(from, tag, range));
            if (copied == 0) range.Clear();
            return copied;
        }
        int headLength = (int)(first - (uint)pointer);
        var head = range[..headLength];
        var tail = range[(int)(end - (uint)pointer)..];
        var message = new Message(from, tag, new MovedPayload(head.ToArray(), pages, tail.ToArray()));
        int result = Code(kernel.Send(new TaskId(to), message));
        if (result == 0)
        {
            head.Clear();
            tail.Clear();
        }
        else if (!memory!.AttachPages(pages, first))
        {
            // The host would not take the pages back where they were: copy them back instead.
            pages.Span.CopyTo(memory.Span[(int)first..]);
            pages.Dispose();
        }
        return result;
    }

    /// <summary>Offers a copied message; a refused one is released here.</summary>
    private static int Deliver(Kernel kernel, long to, Message message)
    {
        int result = Code(kernel.Send(new TaskId(to), message));
        if (result != 0) message.Release();
        return result;
    }

    private static int Code(DeliveryResult result) =>
        result switch
        {
            DeliveryResult.Delivered => 0,
            DeliveryResult.Full => MailboxFull,
            _ => NoSuchTask,
        };

    /// <summary>send_value(to, tag, value): a message of 8 bytes, the i64 little-endian, without
    /// touching memory (a task needs none to send or receive numbers).</summary>
    private static int SendValue(Kernel kernel, Caller<KernelTask> caller, long to, int tag, long value)
    {
        if (tag < 0) return BadName;
        return Deliver(kernel, to, Message.OfValue(caller.Data.Id, tag, value));
    }

    /// <summary>receive_value(tag, timeout): as receive, returning the message's first 8 bytes as
    /// an i64 (zero-padded), or <see cref="ValueTimeout"/> when the timeout passed first.</summary>
    private static long ReceiveValue(Kernel kernel, Caller<KernelTask> caller, int tag, long timeout)
    {
        var task = caller.Data;
        if (!TakeOrWait(kernel, caller, task, tag, timeout, out var message)) return ValueTimeout;
        long value = message.FirstValue();
        message.Release();
        return value;
    }

    /// <summary>The receive protocol shared by both receives: the oldest matching message, or false
    /// when the timeout passed (or the call suspended: then the value returned is ignored).</summary>
    private static bool TakeOrWait(Kernel kernel, Caller caller, KernelTask task, int tag, long timeout, out Message message)
    {
        bool resumed = caller.CompleteResume();
        if (!resumed) task.TimerFired = false;
        if (task.Mailbox.TryTake(tag, out message))
        {
            kernel.CancelTimer(task);
            return true;
        }
        if (task.TimerFired || timeout == 0)
        {
            task.TimerFired = false;
            task.TimerArmed = false;
            return false;
        }
        if (timeout > 0 && !task.TimerArmed) kernel.StartTimer(task, timeout);
        caller.Suspend();
        return false;
    }

    /// <summary>receive(tag, buffer, capacity, timeout, info): the oldest message with the tag (-1:
    /// any), copied into the buffer up to its capacity (a moved message's pages are placed there
    /// instead when the buffer lines up with them and holds it all); returns the message's length, or -1 when the
    /// timeout (ms; -1 none, 0 poll) passed first. When info is not 0 it receives the sender (i64)
    /// and the tag (i32). The buffer (all <c>capacity</c> bytes, an unsigned length like every
    /// other) and the info block are checked before anything is taken or written: a bad one traps
    /// with the message still queued and the memory untouched.</summary>
    private static int Receive(Kernel kernel, Caller<KernelTask> caller, int tag, int buffer, int capacity, long timeout, int info)
    {
        var task = caller.Data;
        Bytes(caller, buffer, capacity);
        if (info != 0) Bytes(caller, info, 16);
        if (TakeOrWait(kernel, caller, task, tag, timeout, out var message))
        {
            int copied = (int)Math.Min((uint)capacity, (uint)message.Length);
            // Moved pages go into the buffer as they are when it lines up with them; the memory
            // exists, since the buffer (as long as the message) was checked against it.
            if (message.Moved is not { } moved || copied != message.Length || !moved.TryPlace(caller.Memory!, buffer, kernel.Options.MoveUnit))
                message.CopyTo(Bytes(caller, buffer, copied));
            message.Release();
            if (info != 0)
            {
                var header = Bytes(caller, info, 16);
                BinaryPrimitives.WriteInt64LittleEndian(header, message.From.Value);
                BinaryPrimitives.WriteInt32LittleEndian(header[8..], message.Tag);
                BinaryPrimitives.WriteInt32LittleEndian(header[12..], 0);
            }
            return message.Length;
        }
        return Timeout;
    }

    private static void Sleep(Kernel kernel, Caller<KernelTask> caller, long milliseconds)
    {
        var task = caller.Data;
        if (caller.CompleteResume())
        {
            if (task.TimerFired)
            {
                task.TimerFired = false;
                task.TimerArmed = false;
                return;
            }
        }
        else
        {
            if (milliseconds <= 0) return;
            kernel.StartTimer(task, milliseconds);
        }
        caller.Suspend();
    }

    private static void Yield(Caller<KernelTask> caller)
    {
        if (caller.CompleteResume()) return;
        caller.Data.Yielding = true;
        caller.Suspend();
    }

    /// <summary>Names are at most this many bytes (docs/abi.md).</summary>
    public const int MaxNameBytes = 256;

    /// <summary>The name at [pointer, pointer + length): out of bounds traps like any range; a name
    /// longer than <see cref="MaxNameBytes"/> is null (register answers -3, whereis 0).</summary>
    private static string? ReadName(Caller caller, int pointer, int length)
    {
        var bytes = Bytes(caller, pointer, length);
        return bytes.Length > MaxNameBytes ? null : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>The bytes [pointer, pointer + length) of the caller's memory 0; out of bounds traps.</summary>
    private static Span<byte> Bytes(Caller caller, int pointer, int length)
    {
        var memory = caller.Memory is { } m ? m.Span : Span<byte>.Empty;
        if ((uint)length > (uint)memory.Length || (uint)pointer > (uint)(memory.Length - length))
            throw new WasmTrap(TrapKind.MemoryOutOfBounds, $"[{(uint)pointer}, +{length}) is outside the task's memory");
        return memory.Slice(pointer, length);
    }
}
