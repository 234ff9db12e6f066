using Google.Protobuf;
using Kubiya.Server.Engine.Nexus;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Failure = Temporalio.Api.Failure.V1.Failure;

namespace Kubiya.Server.Engine;

/// <summary>
/// Nexus operations a workflow calls: the ScheduleNexusOperation and RequestCancelNexusOperation
/// commands, the operation's deadlines and retries, and the events that close it. Every operation
/// ends with Completed, Failed, Canceled or TimedOut: an endpoint that does not exist or that this
/// server cannot reach fails at once with the reason, so no caller waits for nothing.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>temporal.api.enums.v1.TaskQueueType.Nexus.</summary>
    internal const int NexusQueue = 3;
    internal const string NexusStartTask = "nxs", NexusCancelTask = "nxc";

    /// <summary>How long a handler worker may hold one start or cancel request before it is retried (Temporal's default).</summary>
    public TimeSpan NexusRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    private long NexusRequestTimeoutMs => (long)NexusRequestTimeout.TotalMilliseconds;

    private static NexusRunState NexusOf(Execution e) => e.State.Nexus ??= new NexusRunState();

    private static NexusOperationInfo? PendingNexus(Execution e, long scheduledEventId) =>
        e.State.Nexus?.Operations.GetValueOrDefault(scheduledEventId);

    /// <summary>Checks a Nexus command before any command of the task is applied.</summary>
    private (WorkflowTaskFailedCause Cause, string Message)? ValidateNexusCommand(Execution e, Command c)
    {
        if (c.CommandType == CommandType.ScheduleNexusOperation)
        {
            var a = c.ScheduleNexusOperationCommandAttributes;
            if (a == null || string.IsNullOrEmpty(a.Endpoint) || string.IsNullOrEmpty(a.Service) || string.IsNullOrEmpty(a.Operation))
                return (WorkflowTaskFailedCause.BadScheduleNexusOperationAttributes, "ScheduleNexusOperation needs an endpoint, a service and an operation.");
            foreach (var (d, name) in new[] { (a.ScheduleToCloseTimeout, "ScheduleToCloseTimeout"), (a.ScheduleToStartTimeout, "ScheduleToStartTimeout"), (a.StartToCloseTimeout, "StartToCloseTimeout") })
                if (d != null && (d.Seconds < 0 || d.Nanos < 0))
                    return (WorkflowTaskFailedCause.BadScheduleNexusOperationAttributes, $"Nexus operation {name} must not be negative.");
            if (a.Input != null && a.Input.CalculateSize() > Limits.BlobSizeLimitBytes)
                return (WorkflowTaskFailedCause.BadScheduleNexusOperationAttributes, "Nexus operation input exceeds the payload size limit.");
            return null;
        }
        var id = c.RequestCancelNexusOperationCommandAttributes?.ScheduledEventId ?? 0;
        var scheduled = id > 0 && id < e.State.NextEventId && e.History[(int)id - 1].EventType == EventType.NexusOperationScheduled;
        return scheduled ? null
            : (WorkflowTaskFailedCause.BadRequestCancelNexusOperationAttributes, $"RequestCancelNexusOperation names event {id}, which is not a scheduled Nexus operation.");
    }

    /// <summary>ScheduleNexusOperation: writes the Scheduled event and resolves the endpoint to a worker target.</summary>
    private void ScheduleNexusOperation(Tx tx, Execution e, ScheduleNexusOperationCommandAttributes a, long completedId, List<Action> post)
    {
        var endpoint = NexusEndpoints.ByName(a.Endpoint);
        var requestId = Guid.NewGuid().ToString();
        var ev = NewEvent(EventType.NexusOperationScheduled);
        ev.NexusOperationScheduledEventAttributes = new()
        {
            Endpoint = a.Endpoint,
            EndpointId = endpoint?.Id ?? "",
            Service = a.Service,
            Operation = a.Operation,
            Input = a.Input,
            ScheduleToCloseTimeout = a.ScheduleToCloseTimeout,
            ScheduleToStartTimeout = a.ScheduleToStartTimeout,
            StartToCloseTimeout = a.StartToCloseTimeout,
            WorkflowTaskCompletedEventId = completedId,
            RequestId = requestId,
        };
        ev.NexusOperationScheduledEventAttributes.NexusHeader.Add(a.NexusHeader);
        var id = Append(tx, e, ev);
        var op = new NexusOperationInfo
        {
            ScheduledEventId = id,
            Endpoint = a.Endpoint,
            EndpointId = endpoint?.Id ?? "",
            Service = a.Service,
            Operation = a.Operation,
            RequestId = requestId,
            Input = a.Input?.ToByteArray(),
            Headers = a.NexusHeader.ToDictionary(kv => kv.Key, kv => kv.Value),
            ScheduledTimeMs = Clock.NowMs(),
            ScheduleToCloseMs = Clock.Ms(a.ScheduleToCloseTimeout),
            ScheduleToStartMs = Clock.Ms(a.ScheduleToStartTimeout),
            StartToCloseMs = Clock.Ms(a.StartToCloseTimeout),
        };
        Failure? unreachable = endpoint?.Spec.Target?.VariantCase switch
        {
            null => NexusFailures.HandlerError("NOT_FOUND", $"endpoint not registered: no Nexus endpoint named '{a.Endpoint}' exists", retryable: false),
            Temporalio.Api.Nexus.V1.EndpointTarget.VariantOneofCase.Worker => null,
            _ => NexusFailures.HandlerError("NOT_IMPLEMENTED",
                $"endpoint '{a.Endpoint}' targets an external URL; Kubiya.Server delivers Nexus operations only to workers polling a task queue", retryable: false),
        };
        if (unreachable != null)
        {
            // After the task's own events, as a failure that arrives from the outside would.
            post.Add(() => AppendNexusOutcome(tx, e, op, EventType.NexusOperationFailed, NexusFailures.Wrap(op, unreachable)));
            return;
        }
        op.TargetNamespace = endpoint!.Spec.Target.Worker.Namespace;
        op.TargetQueue = endpoint.Spec.Target.Worker.TaskQueue;
        NexusOf(e).Operations[id] = op;
    }

    /// <summary>RequestCancelNexusOperation: records the request and delivers it to the handler once the operation has started.</summary>
    private void RequestCancelNexusOperation(Tx tx, Execution e, RequestCancelNexusOperationCommandAttributes a, long completedId, List<Action> post)
    {
        // Closed meanwhile (its outcome is on its way to the workflow): nothing left to cancel.
        if (PendingNexus(e, a.ScheduledEventId) is not { } op || op.CancelRequestedEventId > 0) return;
        var ev = NewEvent(EventType.NexusOperationCancelRequested);
        ev.NexusOperationCancelRequestedEventAttributes = new() { ScheduledEventId = op.ScheduledEventId, WorkflowTaskCompletedEventId = completedId };
        op.CancelRequestedEventId = Append(tx, e, ev);
        op.CancelRequestedMs = Clock.NowMs();
        if (op.Started)
        {
            op.CancelState = 1;
            return;
        }
        if (op.TaskStartedMs > 0) return; // a handler holds the start request: cancel once it answers
        // Never reached a handler: canceled here, as Temporal does for an operation not yet started
        // (after the task's own events, like any outcome arriving from outside).
        post.Add(() => AppendNexusOutcome(tx, e, op, EventType.NexusOperationCanceled,
            NexusFailures.Wrap(op, NexusFailures.Canceled("operation canceled before it was started"))));
    }

    /// <summary>Closes an operation with its outcome event and forgets it.</summary>
    private void AppendNexusOutcome(Tx tx, Execution e, NexusOperationInfo op, EventType type, Failure? failure, Payload? result = null,
        IEnumerable<Link>? links = null)
    {
        e.State.Nexus?.Operations.Remove(op.ScheduledEventId);
        if (!e.IsOpen) return;
        var ev = NewEvent(type);
        switch (type)
        {
            case EventType.NexusOperationCompleted:
                ev.NexusOperationCompletedEventAttributes = new() { ScheduledEventId = op.ScheduledEventId, Result = result ?? NullPayload(), RequestId = op.RequestId };
                break;
            case EventType.NexusOperationFailed:
                ev.NexusOperationFailedEventAttributes = new() { ScheduledEventId = op.ScheduledEventId, Failure = failure, RequestId = op.RequestId };
                break;
            case EventType.NexusOperationCanceled:
                ev.NexusOperationCanceledEventAttributes = new() { ScheduledEventId = op.ScheduledEventId, Failure = failure, RequestId = op.RequestId };
                break;
            case EventType.NexusOperationTimedOut:
                ev.NexusOperationTimedOutEventAttributes = new() { ScheduledEventId = op.ScheduledEventId, Failure = failure, RequestId = op.RequestId };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "not a Nexus operation outcome");
        }
        if (links != null) ev.Links.AddRange(links);
        AppendNews(tx, e, ev);
    }

    /// <summary>The handler answered asynchronously (or its workflow completed first): the operation runs now.</summary>
    private void MarkNexusStarted(Tx tx, Execution e, NexusOperationInfo op, string operationToken, IEnumerable<Link> links)
    {
        if (op.Started) return;
        tx.Touch(e);
        op.Started = true;
        op.StartedTimeMs = Clock.NowMs();
        op.OperationToken = operationToken ?? "";
        op.TaskStartedMs = 0;
        var ev = NewEvent(EventType.NexusOperationStarted);
        ev.NexusOperationStartedEventAttributes = new()
        {
            ScheduledEventId = op.ScheduledEventId,
            OperationToken = op.OperationToken,
            OperationId = op.OperationToken,
            RequestId = op.RequestId,
        };
        ev.Links.AddRange(links);
        AppendNews(tx, e, ev);
        // A cancel requested while the start was with the handler goes out now.
        if (op.CancelRequestedEventId > 0 && op.CancelState == 0) op.CancelState = 1;
    }

    /// <summary>A payload for "no value", as SDKs encode a void result.</summary>
    private static Payload NullPayload() => new() { Metadata = { ["encoding"] = ByteString.CopyFromUtf8("binary/null") } };

    // ---- reconcile and deadlines ----

    /// <summary>Registers the tasks and deadlines of the run's pending Nexus operations (called from Reconcile).</summary>
    private void ReconcileNexus(Execution e)
    {
        if (e.State.Nexus is not { Operations.Count: > 0 } nexus) return;
        var now = Clock.NowMs();
        foreach (var op in nexus.Operations.Values)
        {
            var id = op.ScheduledEventId;
            if (!op.Started)
            {
                if (op.TaskStartedMs > 0) Timer(e, "nexus-request", id, op.Attempt, op.TaskStartedMs + NexusRequestTimeoutMs);
                else if (op.NextAttemptMs > now) Timer(e, "nexus-backoff", id, op.Attempt, op.NextAttemptMs);
                else DispatchNexus(e, op, NexusStartTask, op.Attempt);
                if (op.ScheduleToStartMs > 0) Timer(e, "nexus-s2s", id, 0, op.ScheduledTimeMs + op.ScheduleToStartMs);
            }
            else if (op.StartToCloseMs > 0) Timer(e, "nexus-st2c", id, 0, op.StartedTimeMs + op.StartToCloseMs);
            if (op.ScheduleToCloseMs > 0) Timer(e, "nexus-s2c", id, 0, op.ScheduledTimeMs + op.ScheduleToCloseMs);
            if (op.CancelState == 1)
            {
                if (op.CancelTaskStartedMs > 0) Timer(e, "nexus-cancel-request", id, op.CancelAttempt, op.CancelTaskStartedMs + NexusRequestTimeoutMs);
                else if (op.CancelNextAttemptMs > now) Timer(e, "nexus-cancel-backoff", id, op.CancelAttempt, op.CancelNextAttemptMs);
                else DispatchNexus(e, op, NexusCancelTask, op.CancelAttempt);
            }
        }
    }

    /// <summary>Queues a start or cancel request on the endpoint's target queue (the caller's namespace rides in the query id slot).</summary>
    private void DispatchNexus(Execution e, NexusOperationInfo op, string kind, int attempt)
    {
        if (e.Registered.Add($"{kind}:{op.ScheduledEventId}:{attempt}"))
            Matching.Add(op.TargetNamespace, op.TargetQueue, NexusQueue,
                new TaskRef(kind, op.TargetNamespace, e.State.WorkflowId, e.State.RunId, op.ScheduledEventId, attempt, e.State.Namespace));
    }

    /// <summary>A Nexus deadline or retry backoff came due (called from FireTimer for kinds starting with "nexus-").</summary>
    private void FireNexusTimer(Tx tx, Execution e, TimerRef t)
    {
        if (PendingNexus(e, t.Ref) is not { } op) return;
        var now = Clock.NowMs();
        switch (t.Kind)
        {
            case "nexus-backoff":
            case "nexus-cancel-backoff":
                tx.Poke(e);
                return;
            case "nexus-request":
                if (!op.Started && op.Attempt == t.Stamp && op.TaskStartedMs > 0 && op.TaskStartedMs + NexusRequestTimeoutMs <= now)
                    RetryNexusStart(tx, e, op, NexusFailures.HandlerError("UPSTREAM_TIMEOUT", "the handler did not answer the start request in time", retryable: true));
                return;
            case "nexus-cancel-request":
                if (op.CancelState == 1 && op.CancelAttempt == t.Stamp && op.CancelTaskStartedMs > 0 && op.CancelTaskStartedMs + NexusRequestTimeoutMs <= now)
                    RetryNexusCancel(tx, e, op, NexusFailures.HandlerError("UPSTREAM_TIMEOUT", "the handler did not answer the cancel request in time", retryable: true));
                return;
            case "nexus-s2s":
                if (!op.Started && op.ScheduleToStartMs > 0 && op.ScheduledTimeMs + op.ScheduleToStartMs <= now)
                    TimeOutNexus(tx, e, op, TimeoutType.ScheduleToStart);
                return;
            case "nexus-st2c":
                if (op.Started && op.StartToCloseMs > 0 && op.StartedTimeMs + op.StartToCloseMs <= now)
                    TimeOutNexus(tx, e, op, TimeoutType.StartToClose);
                return;
            case "nexus-s2c":
                if (op.ScheduleToCloseMs > 0 && op.ScheduledTimeMs + op.ScheduleToCloseMs <= now)
                    TimeOutNexus(tx, e, op, TimeoutType.ScheduleToClose);
                return;
        }
    }

    private void TimeOutNexus(Tx tx, Execution e, NexusOperationInfo op, TimeoutType type)
    {
        var timeout = NexusFailures.Timeout(type);
        if (op.LastFailure != null) timeout.Cause = Failure.Parser.ParseFrom(op.LastFailure);
        AppendNexusOutcome(tx, e, op, EventType.NexusOperationTimedOut, NexusFailures.Wrap(op, timeout));
    }

    /// <summary>Backoff between request attempts: 1 s doubling to at most 60 s.</summary>
    private static long NexusBackoffMs(int attempt) => (long)Math.Min(1000 * Math.Pow(2, Math.Min(attempt - 1, 10)), 60_000);

    private void RetryNexusStart(Tx tx, Execution e, NexusOperationInfo op, Failure failure)
    {
        tx.Touch(e);
        var now = Clock.NowMs();
        op.LastFailure = failure.ToByteArray();
        op.LastAttemptCompleteMs = now;
        op.NextAttemptMs = now + NexusBackoffMs(op.Attempt);
        op.Attempt++;
        op.TaskStartedMs = 0;
    }

    private void RetryNexusCancel(Tx tx, Execution e, NexusOperationInfo op, Failure failure)
    {
        tx.Touch(e);
        var now = Clock.NowMs();
        op.CancelLastFailure = failure.ToByteArray();
        op.CancelNextAttemptMs = now + NexusBackoffMs(op.CancelAttempt);
        op.CancelAttempt++;
        op.CancelTaskStartedMs = 0;
    }
}
