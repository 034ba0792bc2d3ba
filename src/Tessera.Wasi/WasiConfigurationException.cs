namespace Tessera.Wasi;

/// <summary>
/// A <see cref="WasiConfiguration"/> that no program can be started with: one of its
/// <see cref="WasiLimits"/> is negative, or below what the configuration itself needs (the
/// descriptor limit below stdio, preopens and sockets). Thrown by the <see cref="WasiContext"/>
/// constructor before any descriptor is opened. An <see cref="ArgumentException"/>, so callers that
/// catch bad arguments in general still catch it; <see cref="Setting"/> names the limit, so a front
/// end can name its own option for it.
/// </summary>
public sealed class WasiConfigurationException : ArgumentException
{
    public WasiConfigurationException(string setting, long value, string problem)
        : base($"WasiLimits.{setting} = {value}: {problem}", "configuration")
    {
        Setting = setting;
        Value = value;
        Problem = problem;
    }

    /// <summary>The <see cref="WasiLimits"/> property at fault, e.g. <c>MaxOpenDescriptors</c>.</summary>
    public string Setting { get; }

    /// <summary>The value it was given.</summary>
    public long Value { get; }

    /// <summary>What is wrong with the value, without the setting's name.</summary>
    public string Problem { get; }
}
