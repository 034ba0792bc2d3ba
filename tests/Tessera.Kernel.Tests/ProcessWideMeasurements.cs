namespace Tessera.Kernel.Tests;

/// <summary>
/// Tests that measure the whole process (its thread count) run alone: xunit runs other test
/// classes in parallel, and each of their kernels starts workers, a timer and a reactor thread,
/// which a count taken meanwhile would charge to the test (CI saw 14 extra threads that way).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeasurements
{
    public const string Name = "process-wide measurements";
}
