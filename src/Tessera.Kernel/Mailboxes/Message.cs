using Tessera.Kernel.Tasks;

namespace Tessera.Kernel.Mailboxes;

/// <summary>
/// A message: bytes copied out of the sender's memory (share nothing), the sender, and a tag the
/// receiver can select on. Tags at or above zero are the guest's; negative tags are the kernel's
/// (<see cref="Down"/>).
/// </summary>
public sealed record Message(TaskId From, int Tag, byte[] Payload)
{
    /// <summary>Selects any message in a receive.</summary>
    public const int AnyTag = -1;

    /// <summary>The tag of the message a monitor receives when the task it watches ends; the
    /// payload is the task id (i64), the <see cref="ExitKind"/> (i32) and the trap kind or -1 (i32),
    /// little-endian.</summary>
    public const int Down = -2;

    /// <summary>Does this message match the tag a receive selects on?</summary>
    public bool Matches(int tag) => tag == AnyTag || tag == Tag;
}
