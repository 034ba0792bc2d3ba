namespace Tessera.Kernel.Tasks;

/// <summary>
/// A task's identity: never reused within a kernel, and a plain number so that a message can name
/// a task anywhere (DESIGN: identities are location-transparent). Guests see it as an i64.
/// </summary>
public readonly record struct TaskId(long Value)
{
    public override string ToString() => "task " + Value;
}
