using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Tessera.Bench;

/// <summary>A summary column: megabytes (10^6 bytes) of module processed per second, from the median time.</summary>
public sealed class ThroughputColumn(Func<int> bytes) : IColumn
{
    public string Id => "Throughput";
    public string ColumnName => "MB/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Module bytes processed per second (MB = 10^6 bytes), from the median";

    public static double MegabytesPerSecond(Summary summary, BenchmarkCase benchmark, int bytes)
    {
        var stats = summary[benchmark]?.ResultStatistics;
        return stats is null ? double.NaN : bytes / (stats.Median / 1e9) / 1e6;
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        MegabytesPerSecond(summary, benchmarkCase, bytes()).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}
