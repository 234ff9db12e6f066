using Temporalio.Api.Enums.V1;

namespace Kubiya.Server.Engine.Standalone;

/// <summary>
/// The persisted state of one standalone activity execution (an activity started by a client,
/// not by a workflow): its identity, status and outcome, and the attempt state it shares with
/// workflow activities (<see cref="ActivityInfo"/>). Serialized as JSON into its row.
/// </summary>
public sealed class ActivityExecutionRecord
{
    public string Namespace { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public string RunId { get; set; } = "";
    /// <summary>Request id of the start that created this run, so a retried start finds it.</summary>
    public string RequestId { get; set; } = "";
    public string ActivityType { get; set; } = "";
    public string TaskQueue { get; set; } = "";
    /// <summary>An ActivityExecutionStatus value.</summary>
    public int Status { get; set; } = (int)ActivityExecutionStatus.Running;
    public long ScheduleTimeMs { get; set; }
    /// <summary>When the first attempt may be dispatched: schedule time plus the start delay.</summary>
    public long ExecutionTimeMs { get; set; }
    public long? CloseTimeMs { get; set; }
    /// <summary>Attempt state; its Attributes hold the normalized StartActivityExecutionRequest.</summary>
    public ActivityInfo Activity { get; set; } = new();
    /// <summary>The temporal.api.activity.v1.ActivityExecutionOutcome once closed.</summary>
    public byte[]? Outcome { get; set; }
    public int RetryState { get; set; }
    public string CancelRequestId { get; set; } = "";
    public string CancelReason { get; set; } = "";
    public string TerminateRequestId { get; set; } = "";
    public byte[]? SearchAttributes { get; set; }
    /// <summary>The start request's options before the first UpdateActivityExecutionOptions (null: never updated).</summary>
    public byte[]? OriginalAttributes { get; set; }
    public long StateTransitions { get; set; }
    public long HeartbeatCount { get; set; }

    /// <summary>Running, or paused by an operator (no attempt running meanwhile); every other status is closed.</summary>
    public bool IsOpen => Status is (int)ActivityExecutionStatus.Running or (int)ActivityExecutionStatus.Paused;
}
