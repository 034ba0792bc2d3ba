namespace Tessera.Kernel.Tasks;

/// <summary>A task the host spawned: its id, and its end, which cannot be missed however soon it
/// comes (unlike <see cref="Kernel.Join"/>, which needs the task still live).</summary>
public sealed record TaskHandle(TaskId Id, Task<ExitReason> Exited);
