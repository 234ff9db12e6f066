namespace Kubiya.Server.Engine;

/// <summary>
/// The persisted mutable state of one workflow run: everything the engine needs beyond the
/// history itself (pending activities, timers, children, the workflow task in flight, events
/// buffered while a task is in flight). Serialized as JSON into the run's row.
/// </summary>
public sealed class ExecutionState
{
    public string Namespace { get; set; } = "";
    public string WorkflowId { get; set; } = "";
    public string RunId { get; set; } = "";
    public string FirstRunId { get; set; } = "";
    public string WorkflowType { get; set; } = "";
    public string TaskQueue { get; set; } = "";
    public int Status { get; set; } = 1;
    public long StartTimeMs { get; set; }
    public long ExecutionTimeMs { get; set; }
    public long? CloseTimeMs { get; set; }
    public long? RunDeadlineMs { get; set; }
    public long? ExecutionDeadlineMs { get; set; }
    /// <summary>When a start delay or retry backoff holds the first workflow task back, the time it is due.</summary>
    public long? FirstTaskDueMs { get; set; }
    public long WorkflowTaskTimeoutMs { get; set; } = 10_000;
    public long NextEventId { get; set; } = 1;
    public string StartRequestId { get; set; } = "";
    public long LastCompletedWftStartedEventId { get; set; }
    public bool CancelRequested { get; set; }
    public ParentInfo? Parent { get; set; }
    public WorkflowTaskInfo? Wft { get; set; }
    public Dictionary<long, ActivityInfo> Activities { get; set; } = new();
    public Dictionary<string, TimerInfo> Timers { get; set; } = new();
    public Dictionary<long, ChildInfo> Children { get; set; } = new();
    /// <summary>Events (protobuf bytes, ids unassigned) that arrived while a workflow task was in flight.</summary>
    public List<byte[]> Buffered { get; set; } = new();
    public byte[]? Memo { get; set; }
    public byte[]? SearchAttributes { get; set; }
    public string? StickyQueue { get; set; }
    public long StickyScheduleToStartMs { get; set; }
    public string? NewRunId { get; set; }
    /// <summary>Worker versioning of the run (Engine/WorkflowEngine.Versioning.cs); null while it has none.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public VersioningState? Versioning { get; set; }
    /// <summary>Request ids of recent signals, so a client retrying a signal does not deliver it twice.</summary>
    public List<string> SignalRequestIds { get; set; } = new();
    /// <summary>Workflow updates of this run keyed by update id, in every stage.</summary>
    public Dictionary<string, UpdateInfo> Updates { get; set; } = new();
    /// <summary>Priority set by UpdateWorkflowExecutionOptions (temporal.api.common.v1.Priority bytes); null: the start's.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? Priority { get; set; }
    /// <summary>Nexus operations this run called and callbacks it owes (null when it never used Nexus).</summary>
    public Nexus.NexusRunState? Nexus { get; set; }
}

/// <summary>Link from a child run back to the parent that started it.</summary>
public sealed class ParentInfo
{
    public string Namespace { get; set; } = "";
    public string WorkflowId { get; set; } = "";
    public string RunId { get; set; } = "";
    public long InitiatedEventId { get; set; }
}

/// <summary>The one workflow task a run may have scheduled or in flight.</summary>
public sealed class WorkflowTaskInfo
{
    public long ScheduledEventId { get; set; }
    public long StartedEventId { get; set; }
    public int Attempt { get; set; } = 1;
    public long ScheduledTimeMs { get; set; }
    public long StartedTimeMs { get; set; }
    public string TaskQueue { get; set; } = "";
    public string Identity { get; set; } = "";
    public string RequestId { get; set; } = "";
    public bool Sticky { get; set; }
    /// <summary>
    /// A retry (attempt &gt; 1) with no news since the last failure: its Scheduled and Started events
    /// are only written if it completes, so a workflow whose task keeps failing does not grow its history.
    /// </summary>
    public bool Transient { get; set; }
    /// <summary>Start-to-close timeout of this attempt; 0 means the run's default.</summary>
    public long TimeoutMs { get; set; }
    public long HistorySizeBytes { get; set; }
    /// <summary>Why the task suggested continue-as-new (SuggestContinueAsNewReason values; empty: it did not).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public List<int>? SuggestContinueAsNewReasons { get; set; }
}

/// <summary>A scheduled activity, with the retry state that never reaches history until it ends.</summary>
public sealed class ActivityInfo
{
    public long ScheduledEventId { get; set; }
    public string ActivityId { get; set; } = "";
    public string ActivityType { get; set; } = "";
    public string TaskQueue { get; set; } = "";
    public int Attempt { get; set; } = 1;
    public long FirstScheduledTimeMs { get; set; }
    public long ScheduledTimeMs { get; set; }
    public long StartedTimeMs { get; set; }
    public bool Started { get; set; }
    public string StartedIdentity { get; set; } = "";
    public string StartedRequestId { get; set; } = "";
    public long ScheduleToStartMs { get; set; }
    public long ScheduleToCloseMs { get; set; }
    public long StartToCloseMs { get; set; }
    public long HeartbeatTimeoutMs { get; set; }
    public long? LastHeartbeatMs { get; set; }
    public byte[]? HeartbeatDetails { get; set; }
    public byte[]? LastFailure { get; set; }
    public long? LastAttemptCompleteMs { get; set; }
    public string LastWorkerIdentity { get; set; } = "";
    public bool CancelRequested { get; set; }
    public long CancelRequestedEventId { get; set; }
    /// <summary>The ActivityTaskScheduledEventAttributes, kept to answer polls without reading history.</summary>
    public byte[] Attributes { get; set; } = Array.Empty<byte>();
    /// <summary>Paused by an operator (PauseActivity): not dispatched, not retried, until unpaused.</summary>
    public bool Paused { get; set; }
    public long? PausedTimeMs { get; set; }
    public string PausedBy { get; set; } = "";
    public string PauseReason { get; set; } = "";
    /// <summary>Reset (ResetActivity) while an attempt ran: the attempt's end starts attempt 1.</summary>
    public bool ResetRequested { get; set; }
    /// <summary>With <see cref="ResetRequested"/>: drop the heartbeat details for the new attempt.</summary>
    public bool ResetHeartbeat { get; set; }
    /// <summary>Bumped by every activity operation, so the activity's task is dispatched anew.</summary>
    public int DispatchStamp { get; set; }
}

/// <summary>A user timer started by the workflow.</summary>
public sealed class TimerInfo
{
    public string TimerId { get; set; } = "";
    public long StartedEventId { get; set; }
    public long FireTimeMs { get; set; }
}

/// <summary>A child workflow initiated by this run.</summary>
public sealed class ChildInfo
{
    public long InitiatedEventId { get; set; }
    public long StartedEventId { get; set; }
    public string Namespace { get; set; } = "";
    public string WorkflowId { get; set; } = "";
    public string RunId { get; set; } = "";
    public string WorkflowType { get; set; } = "";
    public int ParentClosePolicy { get; set; }
}

/// <summary>
/// A workflow update: admitted (waiting to reach a worker), then accepted or rejected by the
/// workflow, then completed. Accepted and completed updates are also in history; a rejected
/// one exists only here.
/// </summary>
public sealed class UpdateInfo
{
    public string UpdateId { get; set; } = "";
    /// <summary>The UpdateWorkflowExecutionLifecycleStage reached: 1 admitted, 2 accepted, 3 completed (or rejected).</summary>
    public int Stage { get; set; }
    /// <summary>The temporal.api.update.v1.Request, kept until the workflow accepts or rejects it.</summary>
    public byte[]? Request { get; set; }
    /// <summary>The temporal.api.update.v1.Outcome of a rejected update (a completed one's is in its history event).</summary>
    public byte[]? Outcome { get; set; }
    public bool Rejected { get; set; }
    public long AcceptedEventId { get; set; }
    public long CompletedEventId { get; set; }
    /// <summary>Started event id of the workflow task that last carried the request to a worker (0: not yet).</summary>
    public long DeliveredInTask { get; set; }
    /// <summary>Admission order, so requests reach the workflow in the order they arrived.</summary>
    public long Sequence { get; set; }
}
