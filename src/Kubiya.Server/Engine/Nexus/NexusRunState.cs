namespace Kubiya.Server.Engine.Nexus;

/// <summary>
/// The Nexus part of a run's persisted state: the operations it called that have not closed yet,
/// and, for a run started by a Nexus handler, the completion callbacks to fire when it closes.
/// Absent (null) in runs that never touched Nexus, so older databases read unchanged.
/// </summary>
public sealed class NexusRunState
{
    /// <summary>Pending operations keyed by their NexusOperationScheduled event id.</summary>
    public Dictionary<long, NexusOperationInfo> Operations { get; set; } = new();
    /// <summary>temporal.api.common.v1.Callback messages registered at start (or inherited from the previous run).</summary>
    public List<byte[]> Callbacks { get; set; } = new();
    /// <summary>When the callbacks were registered, for DescribeWorkflowExecution.</summary>
    public long CallbacksRegisteredMs { get; set; }
    /// <summary>When the run closed and its callbacks delivered the outcome (null: not yet).</summary>
    public long? CallbacksDeliveredMs { get; set; }
}

/// <summary>One Nexus operation a workflow scheduled, from its Scheduled event until it closes.</summary>
public sealed class NexusOperationInfo
{
    public long ScheduledEventId { get; set; }
    public string Endpoint { get; set; } = "";
    public string EndpointId { get; set; } = "";
    public string Service { get; set; } = "";
    public string Operation { get; set; } = "";
    public string RequestId { get; set; } = "";
    /// <summary>Namespace and task queue of the endpoint's worker target, resolved at schedule time.</summary>
    public string TargetNamespace { get; set; } = "";
    public string TargetQueue { get; set; } = "";
    /// <summary>temporal.api.common.v1.Payload of the input.</summary>
    public byte[]? Input { get; set; }
    public Dictionary<string, string> Headers { get; set; } = new();
    public long ScheduledTimeMs { get; set; }
    public long ScheduleToCloseMs { get; set; }
    public long ScheduleToStartMs { get; set; }
    public long StartToCloseMs { get; set; }

    /// <summary>Start request attempt (1-based); a new attempt is a new task.</summary>
    public int Attempt { get; set; } = 1;
    /// <summary>When a handler worker took the current attempt's task (0: not taken yet).</summary>
    public long TaskStartedMs { get; set; }
    /// <summary>When the next attempt may be dispatched after a retryable failure.</summary>
    public long NextAttemptMs { get; set; }
    public byte[]? LastFailure { get; set; }
    public long? LastAttemptCompleteMs { get; set; }

    /// <summary>The handler answered asynchronously: the operation runs until its completion arrives.</summary>
    public bool Started { get; set; }
    public long StartedTimeMs { get; set; }
    public string OperationToken { get; set; } = "";

    /// <summary>The workflow asked to cancel the operation (NexusOperationCancelRequested event id).</summary>
    public long CancelRequestedEventId { get; set; }
    public long CancelRequestedMs { get; set; }
    /// <summary>0: no cancel request to deliver, 1: to deliver to the handler, 2: delivered, 3: failed.</summary>
    public int CancelState { get; set; }
    public int CancelAttempt { get; set; } = 1;
    public long CancelTaskStartedMs { get; set; }
    public long CancelNextAttemptMs { get; set; }
    public byte[]? CancelLastFailure { get; set; }
}
