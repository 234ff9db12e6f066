using System.Globalization;
using Kubiya.Core.Workers;

namespace Kubiya.Cli.Output;

/// <summary>A worker's last health heartbeat on the namespace, in <c>worker list</c> output.</summary>
public sealed class HealthView
{
    /// <summary>Always <c>heartbeat</c> (daemon rows of the same list have none).</summary>
    public string Source { get; init; } = "heartbeat";
    /// <summary>Queue it polls.</summary>
    public string QueueId { get; init; } = "";
    /// <summary><c>running</c>, or <c>lost</c> when silent for 3 heartbeat intervals.</summary>
    public string State { get; init; } = "";
    /// <summary>Worker identity.</summary>
    public string Identity { get; init; } = "";
    /// <summary>Host it runs on.</summary>
    public string? Host { get; init; }
    /// <summary>Process id on its host.</summary>
    public int? Pid { get; init; }
    /// <summary>Worker version.</summary>
    public string? Version { get; init; }
    /// <summary>Seconds since it started (at its last heartbeat).</summary>
    public double? UptimeSeconds { get; init; }
    /// <summary>CPU percent of one core over the last interval.</summary>
    public double? CpuPercent { get; init; }
    /// <summary>Working set in MiB.</summary>
    public double? MemoryMb { get; init; }
    /// <summary>Tasks running.</summary>
    public int? ActiveTasks { get; init; }
    /// <summary>Tasks completed.</summary>
    public long? CompletedTasks { get; init; }
    /// <summary>Task attempts failed.</summary>
    public long? FailedTasks { get; init; }
    /// <summary>Average task run time in seconds.</summary>
    public double? AvgDurationSeconds { get; init; }
    /// <summary>Task slots (its max concurrent activities).</summary>
    public int? Slots { get; init; }
    /// <summary>When it started (ISO 8601, UTC).</summary>
    public string? StartedAt { get; init; }
    /// <summary>When the server recorded its last heartbeat (ISO 8601, UTC).</summary>
    public string? LastHeartbeat { get; init; }

    /// <summary>The view of a heartbeat row.</summary>
    public static HealthView From(WorkerInfo w) => new()
    {
        QueueId = w.QueueId,
        State = w.State.ToLowerInvariant(),
        Identity = w.Identity,
        Host = w.Host,
        Pid = w.Pid,
        Version = w.Version,
        UptimeSeconds = w.Uptime?.TotalSeconds,
        CpuPercent = w.CpuPercent,
        MemoryMb = w.MemoryMb,
        ActiveTasks = w.ActiveSteps,
        CompletedTasks = w.CompletedSteps,
        FailedTasks = w.FailedSteps,
        AvgDurationSeconds = w.AvgDurationSeconds,
        Slots = w.Slots,
        StartedAt = Formats.Iso(w.StartedAt),
        LastHeartbeat = Formats.Iso(w.LastHeartbeat),
    };

    /// <summary>Writes heartbeat rows as a table.</summary>
    public static void WriteTable(TextWriter w, IEnumerable<HealthView> list)
    {
        var t = new TextTable("QUEUE", "STATE", "HOST", "PID", "CPU%", "MEM MB", "ACTIVE", "DONE", "FAILED", "UPTIME", "LAST HEARTBEAT");
        foreach (var v in list)
            t.Row(v.QueueId, v.State, v.Host, v.Pid?.ToString(CultureInfo.InvariantCulture),
                v.CpuPercent?.ToString("0.0", CultureInfo.InvariantCulture), v.MemoryMb?.ToString("0", CultureInfo.InvariantCulture),
                v.ActiveTasks?.ToString(CultureInfo.InvariantCulture), v.CompletedTasks?.ToString(CultureInfo.InvariantCulture),
                v.FailedTasks?.ToString(CultureInfo.InvariantCulture), Formats.Duration(v.UptimeSeconds),
                v.LastHeartbeat == null ? null : Formats.Local(DateTimeOffset.Parse(v.LastHeartbeat, CultureInfo.InvariantCulture)));
        t.Write(w);
    }
}
