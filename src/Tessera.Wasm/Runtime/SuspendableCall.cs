namespace Tessera.Wasm.Runtime;

/// <summary>Where a <see cref="SuspendableCall"/> stands.</summary>
public enum SuspendableCallState : byte { NotStarted, Suspended, Completed, Failed }

/// <summary>
/// A call into WebAssembly that can suspend and be resumed later, on any thread, holding no thread
/// and no .NET stack while suspended: its frames are data in the instance's slot stacks
/// (Compilation/README.md, "Resumable functions"). The function's module must have been compiled
/// with the suspending imports it uses named in <see cref="EngineOptions.SuspendingImports"/>.
/// </summary>
/// <remarks>
/// A suspending import asks to suspend with <see cref="Caller.Suspend"/> and returns; every
/// resumable frame saves itself and returns, and <see cref="Start"/> or <see cref="Resume"/> returns
/// false. <see cref="Resume"/> calls the function again with its context rewinding: each frame
/// restores itself and makes its call again, down to the import, which is called again with the
/// same arguments and must first call <see cref="Caller.CompleteResume"/>. Several calls of one
/// instance may be suspended at once (tasks sharing an instance, as threads share a process): each
/// call keeps its own slot stacks and lends them to the instance while it runs. They run one at a
/// time: a call started while another of the same instance runs throws.
/// </remarks>
public sealed class SuspendableCall
{
    private readonly Func _function;
    private readonly InstanceContext _context;
    private Value[] _arguments = [];

    // This call's saved frames while it is not running (the context's slot stacks while it is).
    private long[] _slots = [];
    private int _slotTop;
    private object?[] _refSlots = [];
    private int _refTop;

    public SuspendableCall(Func function)
    {
        if (function.IsHost || function.Target.Instance is null) throw new ArgumentException("a suspendable call runs a WebAssembly function, not a host function", nameof(function));
        _function = function;
        _context = function.Target;
    }

    public SuspendableCallState State { get; private set; }

    /// <summary>The results once <see cref="State"/> is <see cref="SuspendableCallState.Completed"/>.</summary>
    public Value[] Results { get; private set; } = [];

    /// <summary>Bytes the suspended frames take in the slot stacks (8 per slot in use).</summary>
    public int SavedBytes => (_slotTop + _refTop) * sizeof(long);

    /// <summary>Calls the function; true when it completed, false when it suspended.</summary>
    public bool Start(params Value[] arguments)
    {
        if (State != SuspendableCallState.NotStarted) throw new InvalidOperationException("the call has already started");
        _arguments = arguments;
        return Run(rewinding: false);
    }

    /// <summary>Resumes a suspended call; true when it completed, false when it suspended again.</summary>
    public bool Resume()
    {
        if (State != SuspendableCallState.Suspended) throw new InvalidOperationException("the call is not suspended");
        return Run(rewinding: true);
    }

    private bool Run(bool rewinding)
    {
        var context = _context;
        if (context.SuspendableDepth != 0) throw new InvalidOperationException("another suspendable call is running in this instance");
        context.SuspendableDepth = context.Store!.EntryDepth + 1;
        context.SuspendState = rewinding ? InstanceContext.SuspendRewinding : InstanceContext.SuspendNormal;
        // Lend this call's frames to the instance; saving may grow (replace) the arrays.
        (context.Slots, context.SlotTop, context.RefSlots, context.RefTop) = (_slots, _slotTop, _refSlots, _refTop);
        try
        {
            Results = _function.Invoke(_arguments);
        }
        catch
        {
            // A trap while running or rewinding: the saved frames are of no use any more.
            Reset();
            State = SuspendableCallState.Failed;
            throw;
        }
        finally
        {
            context.SuspendableDepth = 0;
            (_slots, _slotTop, _refSlots, _refTop) = (context.Slots, context.SlotTop, context.RefSlots, context.RefTop);
        }
        switch (context.SuspendState)
        {
            case InstanceContext.SuspendUnwinding:
                context.SuspendState = InstanceContext.SuspendNormal;
                State = SuspendableCallState.Suspended;
                return false;
            case InstanceContext.SuspendRewinding:
                Reset();
                State = SuspendableCallState.Failed;
                throw new InvalidOperationException("the resumed import did not call Caller.CompleteResume");
            default:
                State = SuspendableCallState.Completed;
                _arguments = [];
                return true;
        }
    }

    private void Reset()
    {
        _context.SuspendState = InstanceContext.SuspendNormal;
        _context.SlotTop = 0;
        Array.Clear(_context.RefSlots);
        _context.RefTop = 0;
    }
}
