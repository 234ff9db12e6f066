namespace Kubiya.Cli.Daemon;

/// <summary>How a daemon supervises its worker.</summary>
public sealed record SupervisorOptions
{
    /// <summary>Rotate worker.log beyond this size.</summary>
    public long MaxLogBytes { get; init; } = 10 * 1024 * 1024;
    /// <summary>Rotated logs kept (worker.log.1 ...).</summary>
    public int MaxLogBackups { get; init; } = 5;
    /// <summary>First restart delay; doubles on each quick death.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Longest restart delay.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>A worker that stayed up this long resets the backoff.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How long a stopping worker may drain running steps before it is killed.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Product version written to daemon_info.txt.</summary>
    public string Version { get; init; } = typeof(SupervisorOptions).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
