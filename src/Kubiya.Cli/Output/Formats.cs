using System.Globalization;

namespace Kubiya.Cli.Output;

/// <summary>How values are spelled in output.</summary>
public static class Formats
{
    /// <summary>ISO 8601 in UTC with milliseconds (json / yaml).</summary>
    public static string? Iso(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Local time for people.</summary>
    public static string Local(DateTimeOffset? time) =>
        time?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>Local time without year and seconds, as the module's table view shows it: 12-02 00:19.</summary>
    public static string Compact(DateTimeOffset? time) =>
        time?.ToLocalTime().ToString("MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>A queue for a narrow table: the one-run queue of a local execution (local-...) reads "local".</summary>
    public static string? CompactQueue(string? queue) =>
        queue != null && queue.StartsWith("local-", StringComparison.Ordinal) ? "local" : queue;

    /// <summary>A short duration for people (from seconds): 850ms, 12.3s, 4m05s, 2h10m.</summary>
    public static string Duration(double? seconds) => Duration(seconds is { } s ? TimeSpan.FromSeconds(s) : null);

    /// <summary>A short duration for people: 850ms, 12.3s, 4m05s, 2h10m.</summary>
    public static string Duration(TimeSpan? d)
    {
        if (d is not { } t) return "-";
        if (t.TotalSeconds < 1) return $"{t.TotalMilliseconds:0}ms";
        if (t.TotalMinutes < 1) return t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
        if (t.TotalHours < 1) return $"{(int)t.TotalMinutes}m{t.Seconds:00}s";
        return $"{(int)t.TotalHours}h{t.Minutes:00}m";
    }

    /// <summary>The first line of <paramref name="text"/>, cut to <paramref name="max"/> characters.</summary>
    public static string Short(string? text, int max)
    {
        if (string.IsNullOrEmpty(text)) return "-";
        var line = text.Split('\n')[0].TrimEnd('\r');
        return line.Length <= max ? line : line[..(max - 3)] + "...";
    }
}
