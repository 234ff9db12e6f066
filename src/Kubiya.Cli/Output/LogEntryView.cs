using Kubiya.Core.Logs;

namespace Kubiya.Cli.Output;

/// <summary>One execution log entry in json (one object per line) / yaml output.</summary>
public sealed class LogEntryView
{
    /// <summary>When it happened (ISO 8601, UTC).</summary>
    public string? Time { get; init; }
    /// <summary>Execution id.</summary>
    public string ExecutionId { get; init; } = "";
    /// <summary>Started, StepStarted, Output, Error, StepCompleted, StepFailed, Question, Answer, Checkpoint, Warning, Completed, Failed, Cancelled.</summary>
    public string Kind { get; init; } = "";
    /// <summary>Step concerned.</summary>
    public string? Step { get; init; }
    /// <summary>Run of the step.</summary>
    public int? Attempt { get; init; }
    /// <summary>Worker that produced it.</summary>
    public string? Worker { get; init; }
    /// <summary>The text.</summary>
    public string Text { get; init; } = "";

    /// <summary>The view of <paramref name="e"/>.</summary>
    public static LogEntryView From(LogEntry e) => new()
    {
        Time = Formats.Iso(e.Time),
        ExecutionId = e.ExecutionId,
        Kind = e.Kind.ToString(),
        Step = e.Step,
        Attempt = e.Attempt,
        Worker = e.Worker,
        Text = e.Text,
    };
}
