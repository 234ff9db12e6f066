using System.Globalization;
using Kubiya.Core.Analytics;

namespace Kubiya.Cli.Output;

/// <summary>An <see cref="ExecutionMetric"/> in json / yaml output: times in seconds.</summary>
public sealed class StatsView
{
    public string GroupBy { get; init; } = "";
    public string Key { get; init; } = "";
    public string? Since { get; init; }
    public string? Until { get; init; }
    public long Total { get; init; }
    public long Completed { get; init; }
    public long Failed { get; init; }
    public long Cancelled { get; init; }
    public long Open { get; init; }
    public double? SuccessRate { get; init; }
    public double ThroughputPerHour { get; init; }
    public double ThroughputPerDay { get; init; }
    public double? DurationAvgSeconds { get; init; }
    public double? DurationMinSeconds { get; init; }
    public double? DurationMaxSeconds { get; init; }
    public double? DurationP50Seconds { get; init; }
    public double? DurationP95Seconds { get; init; }
    public double? QueueWaitAvgSeconds { get; init; }
    public double? QueueWaitP50Seconds { get; init; }
    public double? QueueWaitP95Seconds { get; init; }
    public int? Slots { get; init; }
    public double? WorkerUtilisation { get; init; }
    public bool ServerCounted { get; init; }

    /// <summary>The view of a row.</summary>
    public static StatsView From(ExecutionMetric m) => new()
    {
        GroupBy = m.GroupBy.ToLowerInvariant(),
        Key = m.Key,
        Since = Formats.Iso(m.Since),
        Until = Formats.Iso(m.Until),
        Total = m.Total,
        Completed = m.Completed,
        Failed = m.Failed,
        Cancelled = m.Cancelled,
        Open = m.Open,
        SuccessRate = m.SuccessRate,
        ThroughputPerHour = m.ThroughputPerHour,
        ThroughputPerDay = m.ThroughputPerDay,
        DurationAvgSeconds = S(m.DurationAvg),
        DurationMinSeconds = S(m.DurationMin),
        DurationMaxSeconds = S(m.DurationMax),
        DurationP50Seconds = S(m.DurationP50),
        DurationP95Seconds = S(m.DurationP95),
        QueueWaitAvgSeconds = S(m.QueueWaitAvg),
        QueueWaitP50Seconds = S(m.QueueWaitP50),
        QueueWaitP95Seconds = S(m.QueueWaitP95),
        Slots = m.Slots,
        WorkerUtilisation = m.WorkerUtilisation,
        ServerCounted = m.ServerCounted,
    };

    private static double? S(TimeSpan? t) => t is { } v ? Math.Round(v.TotalSeconds, 3) : null;

    /// <summary>What people read: a summary for one row, a table for groups.</summary>
    public static void Write(TextWriter w, IReadOnlyList<ExecutionMetric> rows, StatsGrouping by)
    {
        if (by == StatsGrouping.None)
        {
            var m = rows[0];
            w.WriteLine($"{"Window:",-14} {Formats.Local(m.Since)} - {Formats.Local(m.Until)}");
            w.WriteLine($"{"Executions:",-14} {m.Total} ({m.Completed} completed, {m.Failed} failed, {m.Cancelled} cancelled, {m.Open} open)");
            w.WriteLine($"{"Success rate:",-14} {Percent(m.SuccessRate)}");
            w.WriteLine($"{"Throughput:",-14} {m.ThroughputPerHour.ToString("0.##", CultureInfo.InvariantCulture)}/hour, {m.ThroughputPerDay.ToString("0.#", CultureInfo.InvariantCulture)}/day");
            w.WriteLine($"{"Duration:",-14} avg {Formats.Duration(m.DurationAvg)}, min {Formats.Duration(m.DurationMin)}, max {Formats.Duration(m.DurationMax)}, p50 {Formats.Duration(m.DurationP50)}, p95 {Formats.Duration(m.DurationP95)}");
            w.WriteLine($"{"Queue wait:",-14} avg {Formats.Duration(m.QueueWaitAvg)}, p50 {Formats.Duration(m.QueueWaitP50)}, p95 {Formats.Duration(m.QueueWaitP95)}");
            w.WriteLine($"{"Utilisation:",-14} {(m.WorkerUtilisation is { } u ? $"{Percent(u)} of {m.Slots} slot(s)" : "- (no worker heartbeats)")}");
            return;
        }
        var t = new TextTable(by.ToString().ToUpperInvariant(), "TOTAL", "OK", "FAILED", "CANCELLED", "OPEN", "SUCCESS", "PER HOUR", "AVG", "P95", "WAIT P95");
        foreach (var m in rows)
            t.Row(m.Key, m.Total.ToString(CultureInfo.InvariantCulture), m.Completed.ToString(CultureInfo.InvariantCulture), m.Failed.ToString(CultureInfo.InvariantCulture),
                m.Cancelled.ToString(CultureInfo.InvariantCulture), m.Open.ToString(CultureInfo.InvariantCulture), Percent(m.SuccessRate),
                m.ThroughputPerHour.ToString("0.##", CultureInfo.InvariantCulture), Formats.Duration(m.DurationAvg), Formats.Duration(m.DurationP95), Formats.Duration(m.QueueWaitP95));
        t.Write(w);
    }

    private static string Percent(double? p) => p is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) + "%" : "-";
}
