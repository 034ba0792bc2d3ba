using System.Globalization;
using System.Text.RegularExpressions;
using Tessera.Cli.Soak;
using Xunit.Abstractions;

namespace Tessera.Cli.Tests;

/// <summary>The soak runs alone: it counts the process's threads and memory, which other tests
/// running beside it would change.</summary>
[CollectionDefinition(nameof(SoakCommandTests), DisableParallelization = true)]
public sealed class SoakCollection;

/// <summary><c>tessera soak</c> for a few seconds, and the judgment of its samples on made-up series.</summary>
[Collection(nameof(SoakCommandTests))]
public sealed partial class SoakCommandTests(ITestOutputHelper output)
{
    private const long Mib = 1 << 20;

    [GeneratedRegex(@"messages: ([\d,]+) sent \(([\d,]+) by the host\), ([\d,]+) received, (\d+) bad checksums")]
    private static partial Regex MessagesLine();

    private static long Number(Group g) => long.Parse(g.Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    [Fact]
    public void AShortSoakLosesNothingAndPasses()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CommandLine.Run(["soak", "--seconds", "5", "--tasks", "100"], stdout, stderr);
        string text = stdout.ToString();
        output.WriteLine(text + stderr);
        Assert.True(exit == 0, stderr.ToString());
        var messages = MessagesLine().Match(text);
        Assert.True(messages.Success, "no messages line");
        Assert.True(Number(messages.Groups[1]) > 0);
        Assert.Equal(Number(messages.Groups[1]), Number(messages.Groups[3]));
        Assert.Equal(0, Number(messages.Groups[4]));
        // Every kind of load ran at least once.
        var ended = Regex.Match(text, "ended: (.*)").Groups[1].Value;
        foreach (var load in SoakLoads.All) Assert.Matches($@"\b{load.Name} [1-9][\d,]*", ended);
        Assert.Contains("soak passed", text);
        // Five one-second samples: enough to judge growth after a two-sample warm-up.
        Assert.DoesNotContain("too few to judge", text);
    }

    [Fact]
    public void BadArgumentsAreUsageErrors()
    {
        Assert.Equal(2, CommandLine.Run(["soak", "--seconds", "0"], new StringWriter(), new StringWriter()));
        Assert.Equal(2, CommandLine.Run(["soak", "--tasks"], new StringWriter(), new StringWriter()));
        Assert.Equal(2, CommandLine.Run(["soak", "--forever"], new StringWriter(), new StringWriter()));
    }

    private static List<ResourceSample> Series(Func<int, long> workingSet, Func<int, long> heap, Func<int, int> threads, int count = 12) =>
        Enumerable.Range(0, count).Select(i => new ResourceSample(TimeSpan.FromSeconds(i + 1), workingSet(i), heap(i), threads(i))).ToList();

    [Fact]
    public void FlatSamplesPass()
    {
        // Warm-up peak 105 MiB, so 147.25 MiB allowed; the last three are 95, 165 (a spike) and 95.
        var samples = Series(i => 100 * Mib + (i % 2 == 0 ? 5 : -5) * Mib + (i == 10 ? 60 * Mib : 0), _ => 10 * Mib, i => 15 + i % 2);
        Assert.Empty(ResourceVerdict.Judge(samples));
    }

    [Fact]
    public void GrowingMemoryFails()
    {
        // 100 + 10i MiB over 12 samples: the warm-up is the first 3 (12 / 4), peak 120 MiB; the last
        // three are at least 190 MiB, over the 120 * 1.25 + 16 = 166 MiB allowed.
        var samples = Series(i => (100 + 10 * i) * Mib, _ => 10 * Mib, _ => 15);
        var problems = ResourceVerdict.Judge(samples);
        Assert.Single(problems);
        Assert.StartsWith("working set grew", problems[0]);

        var heap = ResourceVerdict.Judge(Series(_ => 100 * Mib, i => (10 + 8 * i) * Mib, _ => 15));
        Assert.StartsWith("GC heap grew", Assert.Single(heap));
    }

    [Fact]
    public void GrowingThreadsFail()
    {
        // Warm-up peak 15; one later sample at 18 is 3 more, over the 2 allowed; 17 is not.
        Assert.Single(ResourceVerdict.Judge(Series(_ => 100 * Mib, _ => 10 * Mib, i => i == 7 ? 18 : 15)));
        Assert.Empty(ResourceVerdict.Judge(Series(_ => 100 * Mib, _ => 10 * Mib, i => i == 7 ? 17 : 15)));
    }
}
