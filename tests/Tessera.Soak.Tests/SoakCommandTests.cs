using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Tessera.Soak.Tests;

/// <summary>The soak runs alone: it counts the process's threads and memory, which other tests
/// running beside it would change.</summary>
[CollectionDefinition(nameof(SoakCommandTests), DisableParallelization = true)]
public sealed class SoakCollection;

/// <summary>The soak (<c>bench/soak</c>) for a few seconds, and the judgment of its samples on made-up series.</summary>
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
        int exit = SoakCommand.Run(["--seconds", "5", "--tasks", "100"], stdout, stderr);
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

    private static void AssertUsage(string expected, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(2, SoakCommand.Run(args, stdout, stderr));
        Assert.Equal("", stdout.ToString());
        Assert.StartsWith("error: ", stderr.ToString());
        Assert.Contains(expected, stderr.ToString());
    }

    [Fact]
    public void BoundsAreCheckedBeforeAnythingRuns()
    {
        Assert.Equal((1, 1, 1), SoakCommand.Parse(["--seconds", "1", "--tasks", "1", "--workers", "1"]));
        Assert.Equal((int.MaxValue, SoakCommand.MaxTasks, SoakCommand.MaxWorkers),
            SoakCommand.Parse(["--seconds", "2147483647", "--tasks", "10000", "--workers", "1024"]));
        AssertUsage("--tasks needs a whole number from 1 to 10000, got '10001'", "--tasks", "10001");
        AssertUsage("--workers needs a whole number from 1 to 1024, got '1025'", "--workers", "1025");
        AssertUsage("--seconds needs a whole number from 1 to 2147483647, got '2147483648'", "--seconds", "2147483648");
        foreach (var option in new[] { "--seconds", "--tasks", "--workers" })
        {
            foreach (var bad in new[] { "0", "-1", "x", "" })
                AssertUsage($"{option} needs a whole number from 1 to", option, bad);
            AssertUsage($"{option} needs a value", option);
            AssertUsage($"{option} given twice", option, "1", option, "1");
        }
        AssertUsage("unknown argument '--bogus'", "--bogus");
        AssertUsage("unknown argument '--forever'", "--forever");
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
