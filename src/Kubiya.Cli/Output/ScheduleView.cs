using Kubiya.Core.Schedules;

namespace Kubiya.Cli.Output;

/// <summary>A schedule in json / yaml output.</summary>
public sealed class ScheduleView
{
    /// <summary>Schedule name.</summary>
    public string Name { get; init; } = "";
    /// <summary>When it fires, as cron or "every 5m".</summary>
    public string Spec { get; init; } = "";
    /// <summary>IANA time zone (null: UTC).</summary>
    public string? TimeZone { get; init; }
    /// <summary>Agent it runs.</summary>
    public string? Agent { get; init; }
    /// <summary>Team it runs.</summary>
    public string? Team { get; init; }
    /// <summary>Prompt of every run.</summary>
    public string Prompt { get; init; } = "";
    /// <summary>Queue of the runs.</summary>
    public string? Queue { get; init; }
    /// <summary>Overlap policy name.</summary>
    public string Overlap { get; init; } = "";
    /// <summary>Paused.</summary>
    public bool Paused { get; init; }
    /// <summary>Note.</summary>
    public string? Note { get; init; }
    /// <summary>Next fire time (ISO 8601 UTC).</summary>
    public string? NextRun { get; init; }
    /// <summary>The next fire times.</summary>
    public IReadOnlyList<string> NextRuns { get; init; } = Array.Empty<string>();
    /// <summary>Scheduled time of the last run.</summary>
    public string? LastRun { get; init; }
    /// <summary>How the last run went.</summary>
    public string? LastResult { get; init; }
    /// <summary>Execution id of the last run.</summary>
    public string? LastExecutionId { get; init; }
    /// <summary>Runs started in all.</summary>
    public long Runs { get; init; }
    /// <summary>Execution ids still running.</summary>
    public IReadOnlyList<string> RunningExecutions { get; init; } = Array.Empty<string>();
    /// <summary>When it was created.</summary>
    public string? CreatedAt { get; init; }

    private static string? Iso(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The view of <paramref name="s"/>.</summary>
    public static ScheduleView From(ScheduleInfo s) => new()
    {
        Name = s.Name,
        Spec = s.Spec,
        TimeZone = s.TimeZone,
        Agent = s.Agent,
        Team = s.Team,
        Prompt = s.Prompt,
        Queue = s.Queue,
        Overlap = s.Overlap,
        Paused = s.Paused,
        Note = s.Note,
        NextRun = Iso(s.NextRun),
        NextRuns = s.NextRuns.Select(t => Iso(t)!).ToList(),
        LastRun = Iso(s.LastRun),
        LastResult = s.LastResult,
        LastExecutionId = s.LastExecutionId,
        Runs = s.Runs,
        RunningExecutions = s.RunningExecutions,
        CreatedAt = Iso(s.CreatedAt),
    };

    /// <summary>Writes a list as a table.</summary>
    public static void WriteTable(TextWriter w, IEnumerable<ScheduleInfo> list)
    {
        var t = new TextTable("NAME", "SPEC", "NEXT RUN", "LAST RESULT", "PAUSED");
        foreach (var s in list)
            t.Row(s.Name, Formats.Short(s.Spec + (s.TimeZone != null ? " " + s.TimeZone : ""), 30),
                s.Paused || s.NextRun == null ? "-" : s.NextRun.Value.LocalDateTime.ToString("yyyy-MM-dd HH:mm"), s.LastResult ?? "-", s.Paused ? "yes" : "no");
        t.Write(w);
    }

    /// <summary>Writes one schedule as text.</summary>
    public static void WriteText(TextWriter w, ScheduleInfo s)
    {
        w.WriteLine($"Name:         {s.Name}");
        w.WriteLine($"Spec:         {s.Spec}{(s.TimeZone != null ? " (" + s.TimeZone + ")" : "")}");
        w.WriteLine($"Runs:         {(s.Team != null ? "team " + s.Team : "agent " + s.Agent)} on queue {s.Queue}");
        w.WriteLine($"Prompt:       {s.Prompt}");
        w.WriteLine($"Overlap:      {s.Overlap}");
        w.WriteLine($"Paused:       {(s.Paused ? "yes" : "no")}{(s.Note != null ? " (" + s.Note + ")" : "")}");
        w.WriteLine($"Next runs:    {(s.NextRuns.Count == 0 ? "-" : string.Join(", ", s.NextRuns.Take(3).Select(t => t.LocalDateTime.ToString("yyyy-MM-dd HH:mm:ss"))))}");
        w.WriteLine($"Last run:     {(s.LastRun is { } l ? $"{l.LocalDateTime:yyyy-MM-dd HH:mm:ss} {s.LastExecutionId} {s.LastResult}" : "-")}");
        w.WriteLine($"Runs started: {s.Runs}");
    }
}
