using Google.Protobuf;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>What a new run starts with; shared by client starts, child starts and continue-as-new.</summary>
internal sealed record StartSpec
{
    public required string Namespace { get; init; }
    public required string WorkflowId { get; init; }
    public required string WorkflowType { get; init; }
    public required string TaskQueue { get; init; }
    public Payloads? Input { get; init; }
    public long ExecutionTimeoutMs { get; init; }
    public long RunTimeoutMs { get; init; }
    public long TaskTimeoutMs { get; init; }
    public string RequestId { get; init; } = "";
    public string Identity { get; init; } = "";
    public Memo? Memo { get; init; }
    public SearchAttributes? SearchAttributes { get; init; }
    public Header? Header { get; init; }
    public RetryPolicy? RetryPolicy { get; init; }
    public ParentInfo? Parent { get; init; }
    public string? ContinuedFromRunId { get; init; }
    public string? FirstRunId { get; init; }
    public long? ExecutionDeadlineMs { get; init; }
    public ContinueAsNewInitiator Initiator { get; init; }
    public Payloads? LastCompletionResult { get; init; }
    public Temporalio.Api.Failure.V1.Failure? ContinuedFailure { get; init; }
    public int Attempt { get; init; } = 1;
    /// <summary>Start delay or retry backoff before the first workflow task.</summary>
    public long FirstTaskBackoffMs { get; init; }
    public WorkflowExecutionStartedEventAttributes? Extra { get; init; }
    /// <summary>Temporal's legacy cron schedule of the run (and of every run chained after it).</summary>
    public string CronSchedule { get; init; } = "";
    /// <summary>Static summary and details shown by user interfaces (kept on the started event).</summary>
    public Temporalio.Api.Sdk.V1.UserMetadata? UserMetadata { get; init; }
    /// <summary>Task priority of the run, inherited by its activities and children.</summary>
    public Priority? Priority { get; init; }
    /// <summary>The root of the run's chain of parents; null when the run is its own root.</summary>
    public WorkflowExecution? RootExecution { get; init; }
}

public sealed partial class WorkflowEngine
{
    /// <summary>Run id to use for the next created run (continue-as-new announces it first).</summary>
    private string? pendingRunId;

    /// <summary>Result of a start: the run id and whether this call created it.</summary>
    internal sealed record StartOutcome(string RunId, bool Started, Execution Execution);

    internal void CheckPayloads(Payloads? payloads, string what)
    {
        if (payloads == null) return;
        foreach (var p in payloads.Payloads_) CheckPayload(p, what);
    }

    internal void CheckPayload(Payload p, string what)
    {
        var size = p.CalculateSize();
        if (size > Limits.BlobSizeLimitBytes)
            throw ServerErrors.InvalidArgument($"{what} payload of {size} bytes exceeds the size limit of {Limits.BlobSizeLimitBytes} bytes.");
    }

    internal static void Require(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) throw ServerErrors.InvalidArgument($"{field} is not set on request.");
    }

    internal static void CheckTimeout(Google.Protobuf.WellKnownTypes.Duration? d, string field)
    {
        if (d != null && (d.Seconds < 0 || d.Nanos < 0)) throw ServerErrors.InvalidArgument($"Invalid {field}: it must not be negative.");
    }

    /// <summary>Validates a client start request; throws InvalidArgument with the field at fault.</summary>
    internal StartSpec SpecFromRequest(string ns, string workflowId, WorkflowType? type, Temporalio.Api.TaskQueue.V1.TaskQueue? queue,
        Payloads? input, Google.Protobuf.WellKnownTypes.Duration? execTimeout, Google.Protobuf.WellKnownTypes.Duration? runTimeout,
        Google.Protobuf.WellKnownTypes.Duration? taskTimeout, string requestId, string identity, Memo? memo, SearchAttributes? sa,
        Header? header, RetryPolicy? retry, Google.Protobuf.WellKnownTypes.Duration? startDelay)
    {
        Namespaces.Get(ns);
        Require(workflowId, "WorkflowId");
        if (workflowId.Length > 1000) throw ServerErrors.InvalidArgument("WorkflowId exceeds the length limit of 1000.");
        Require(type?.Name, "WorkflowType");
        Require(queue?.Name, "TaskQueue");
        CheckTimeout(execTimeout, "WorkflowExecutionTimeout");
        CheckTimeout(runTimeout, "WorkflowRunTimeout");
        CheckTimeout(taskTimeout, "WorkflowTaskTimeout");
        CheckTimeout(startDelay, "WorkflowStartDelay");
        if (RetryMath.Problem(retry) is { } retryProblem) throw ServerErrors.InvalidArgument(retryProblem);
        CheckPayloads(input, "Input");
        if (memo != null) foreach (var p in memo.Fields.Values) CheckPayload(p, "Memo");
        var execMs = Clock.Ms(execTimeout);
        var runMs = Clock.Ms(runTimeout);
        if (runMs == 0 || (execMs > 0 && runMs > execMs)) runMs = execMs;
        var taskMs = Clock.Ms(taskTimeout);
        if (taskMs <= 0) taskMs = Limits.DefaultWorkflowTaskTimeoutMs;
        if (runMs > 0 && taskMs > runMs) taskMs = runMs;
        return new StartSpec
        {
            Namespace = ns,
            WorkflowId = workflowId,
            WorkflowType = type!.Name,
            TaskQueue = queue!.Name,
            Input = input,
            ExecutionTimeoutMs = execMs,
            RunTimeoutMs = runMs,
            TaskTimeoutMs = taskMs,
            RequestId = string.IsNullOrEmpty(requestId) ? Guid.NewGuid().ToString() : requestId,
            Identity = identity ?? "",
            Memo = memo,
            SearchAttributes = sa,
            Header = header,
            RetryPolicy = retry,
            FirstTaskBackoffMs = Clock.Ms(startDelay),
        };
    }

    /// <summary>
    /// Applies request-id idempotency and the id reuse / conflict policies, then creates the
    /// run. <paramref name="beforeFirstTask"/> may append events (a start signal) before the
    /// first workflow task is scheduled.
    /// </summary>
    internal StartOutcome StartWithPolicies(Tx tx, StartSpec spec, WorkflowIdReusePolicy reuse, WorkflowIdConflictPolicy conflict,
        Action<Execution>? beforeFirstTask = null, Func<Execution, StartOutcome>? onRunning = null)
    {
        var current = LoadCurrent(spec.Namespace, spec.WorkflowId);
        if (current != null)
        {
            if (current.State.StartRequestId == spec.RequestId)
                return new StartOutcome(current.State.RunId, true, current);
            if (current.IsOpen)
            {
                if (onRunning != null) return onRunning(current);
                if (reuse == WorkflowIdReusePolicy.TerminateIfRunning && conflict == WorkflowIdConflictPolicy.Unspecified)
                    conflict = WorkflowIdConflictPolicy.TerminateExisting;
                switch (conflict)
                {
                    case WorkflowIdConflictPolicy.UseExisting:
                        return new StartOutcome(current.State.RunId, false, current);
                    case WorkflowIdConflictPolicy.TerminateExisting:
                        Terminate(tx, current, "terminated by a new start (conflict policy TerminateExisting)", null, spec.Identity);
                        break;
                    default:
                        throw ServerErrors.AlreadyStarted(
                            $"Workflow execution is already running. WorkflowId: {spec.WorkflowId}, RunId: {current.State.RunId}.",
                            current.State.StartRequestId, current.State.RunId);
                }
            }
            else
            {
                var status = (WorkflowExecutionStatus)current.State.Status;
                var failedLike = status is WorkflowExecutionStatus.Failed or WorkflowExecutionStatus.Canceled
                    or WorkflowExecutionStatus.Terminated or WorkflowExecutionStatus.TimedOut;
                if (reuse == WorkflowIdReusePolicy.RejectDuplicate ||
                    (reuse == WorkflowIdReusePolicy.AllowDuplicateFailedOnly && !failedLike))
                    throw ServerErrors.AlreadyStarted(
                        $"Workflow execution already finished and the id reuse policy {reuse} forbids a new run. WorkflowId: {spec.WorkflowId}, RunId: {current.State.RunId}.",
                        current.State.StartRequestId, current.State.RunId);
            }
        }
        var e = CreateRun(tx, spec, beforeFirstTask);
        return new StartOutcome(e.State.RunId, true, e);
    }

    /// <summary>Creates a run: WorkflowExecutionStarted, optional extra events, first workflow task.</summary>
    internal Execution CreateRun(Tx tx, StartSpec spec, Action<Execution>? beforeFirstTask = null)
    {
        var now = Clock.NowMs();
        var runId = pendingRunId ?? RunIds.New();
        var firstRunId = spec.FirstRunId ?? runId;
        // A start delay or retry backoff postpones the first workflow task; the run's clocks start with it.
        var backoff = Math.Max(0, spec.FirstTaskBackoffMs);
        var execDeadline = spec.ExecutionDeadlineMs ?? (spec.ExecutionTimeoutMs > 0 ? now + backoff + spec.ExecutionTimeoutMs : (long?)null);
        var state = new ExecutionState
        {
            Namespace = spec.Namespace,
            WorkflowId = spec.WorkflowId,
            RunId = runId,
            FirstRunId = firstRunId,
            WorkflowType = spec.WorkflowType,
            TaskQueue = spec.TaskQueue,
            Status = (int)WorkflowExecutionStatus.Running,
            StartTimeMs = now,
            ExecutionTimeMs = now + backoff,
            RunDeadlineMs = spec.RunTimeoutMs > 0 ? now + backoff + spec.RunTimeoutMs : null,
            FirstTaskDueMs = backoff > 0 ? now + backoff : null,
            ExecutionDeadlineMs = execDeadline,
            WorkflowTaskTimeoutMs = spec.TaskTimeoutMs > 0 ? spec.TaskTimeoutMs : Limits.DefaultWorkflowTaskTimeoutMs,
            StartRequestId = spec.RequestId,
            Parent = spec.Parent,
            Memo = spec.Memo?.ToByteArray(),
            SearchAttributes = spec.SearchAttributes?.ToByteArray(),
        };
        var e = new Execution(state, new List<HistoryEvent>()) { IsNew = true };
        AddToCache(e);
        InheritNexusCallbacks(e, spec.ContinuedFromRunId);
        var attrs = spec.Extra?.Clone() ?? new WorkflowExecutionStartedEventAttributes();
        attrs.WorkflowType = new WorkflowType { Name = spec.WorkflowType };
        attrs.TaskQueue = new() { Name = spec.TaskQueue, Kind = TaskQueueKind.Normal };
        attrs.Input = spec.Input;
        attrs.WorkflowExecutionTimeout = spec.ExecutionTimeoutMs > 0 ? Clock.Dur(spec.ExecutionTimeoutMs) : null;
        attrs.WorkflowRunTimeout = spec.RunTimeoutMs > 0 ? Clock.Dur(spec.RunTimeoutMs) : null;
        attrs.WorkflowTaskTimeout = Clock.Dur(state.WorkflowTaskTimeoutMs);
        attrs.Identity = spec.Identity;
        attrs.OriginalExecutionRunId = runId;
        attrs.FirstExecutionRunId = firstRunId;
        attrs.Attempt = spec.Attempt;
        attrs.Memo = spec.Memo;
        attrs.SearchAttributes = spec.SearchAttributes;
        attrs.Header = spec.Header;
        attrs.RetryPolicy = spec.RetryPolicy;
        attrs.WorkflowId = spec.WorkflowId;
        attrs.Initiator = spec.Initiator;
        attrs.LastCompletionResult = spec.LastCompletionResult;
        attrs.ContinuedFailure = spec.ContinuedFailure;
        attrs.FirstWorkflowTaskBackoff = backoff > 0 ? Clock.Dur(backoff) : null;
        attrs.CronSchedule = spec.CronSchedule ?? "";
        attrs.Priority = spec.Priority;
        attrs.RootWorkflowExecution = spec.RootExecution;
        if (execDeadline is { } d) attrs.WorkflowExecutionExpirationTime = Clock.Ts(d);
        if (spec.ContinuedFromRunId != null) attrs.ContinuedExecutionRunId = spec.ContinuedFromRunId;
        if (spec.Parent is { } p)
        {
            attrs.ParentWorkflowNamespace = p.Namespace;
            attrs.ParentWorkflowNamespaceId = Namespaces.Get(p.Namespace).Id;
            attrs.ParentWorkflowExecution = new WorkflowExecution { WorkflowId = p.WorkflowId, RunId = p.RunId };
            attrs.ParentInitiatedEventId = p.InitiatedEventId;
        }
        var ev = NewEvent(EventType.WorkflowExecutionStarted);
        ev.WorkflowExecutionStartedEventAttributes = attrs;
        ev.UserMetadata = spec.UserMetadata;
        Append(tx, e, ev);
        InitRunVersioning(e, attrs);
        beforeFirstTask?.Invoke(e);
        if (backoff == 0) ScheduleWorkflowTask(tx, e, 1);
        return e;
    }

    /// <summary>StartWorkflowExecution.</summary>
    public Task<StartWorkflowExecutionResponse> StartWorkflowAsync(StartWorkflowExecutionRequest r)
    {
        var spec = SpecFromRequest(r.Namespace, r.WorkflowId, r.WorkflowType, r.TaskQueue, r.Input, r.WorkflowExecutionTimeout,
            r.WorkflowRunTimeout, r.WorkflowTaskTimeout, r.RequestId, r.Identity, r.Memo, r.SearchAttributes, r.Header, r.RetryPolicy,
            r.WorkflowStartDelay);
        spec = WithCronSchedule(spec, r.CronSchedule, r.WorkflowStartDelay) with { UserMetadata = r.UserMetadata, Priority = r.Priority };
        spec = WithVersioningOverride(spec, r.VersioningOverride);
        ValidateSearchAttributes?.Invoke(r.Namespace, r.SearchAttributes);
        return MutateAsync(tx =>
        {
            var outcome = StartWithPolicies(tx, spec, r.WorkflowIdReusePolicy, r.WorkflowIdConflictPolicy);
            AttachNexusStart(tx, outcome, r.CompletionCallbacks, r.Links, r.OnConflictOptions);
            return new StartWorkflowExecutionResponse
            {
                RunId = outcome.RunId,
                Started = outcome.Started,
                Status = (WorkflowExecutionStatus)outcome.Execution.State.Status,
                EagerWorkflowTask = EagerWorkflowTask(tx, r, outcome),
            };
        });
    }

    /// <summary>Optional validation of search attributes against registered ones (visibility layer).</summary>
    public Action<string, SearchAttributes?>? ValidateSearchAttributes { get; set; }

    /// <summary>SignalWithStartWorkflowExecution: signal the running run, or start one with the signal first.</summary>
    public Task<SignalWithStartWorkflowExecutionResponse> SignalWithStartAsync(SignalWithStartWorkflowExecutionRequest r)
    {
        var spec = SpecFromRequest(r.Namespace, r.WorkflowId, r.WorkflowType, r.TaskQueue, r.Input, r.WorkflowExecutionTimeout,
            r.WorkflowRunTimeout, r.WorkflowTaskTimeout, r.RequestId, r.Identity, r.Memo, r.SearchAttributes, r.Header, r.RetryPolicy,
            r.WorkflowStartDelay);
        Require(r.SignalName, "SignalName");
        CheckPayloads(r.SignalInput, "Signal input");
        spec = WithCronSchedule(spec, r.CronSchedule, r.WorkflowStartDelay) with { UserMetadata = r.UserMetadata, Priority = r.Priority };
        spec = WithVersioningOverride(spec, r.VersioningOverride);
        ValidateSearchAttributes?.Invoke(r.Namespace, r.SearchAttributes);
        return MutateAsync(tx =>
        {
            HistoryEvent Signal()
            {
                var ev = NewEvent(EventType.WorkflowExecutionSignaled);
                ev.WorkflowExecutionSignaledEventAttributes = new()
                {
                    SignalName = r.SignalName,
                    Input = r.SignalInput,
                    Identity = r.Identity,
                    Header = r.Header,
                };
                return ev;
            }
            // Signal-with-start never fails on a running run: it signals it.
            var outcome = StartWithPolicies(tx, spec with { RequestId = Guid.NewGuid().ToString() },
                r.WorkflowIdReusePolicy, r.WorkflowIdConflictPolicy,
                beforeFirstTask: e => Append(tx, e, Signal()),
                onRunning: running =>
                {
                    AppendNews(tx, running, Signal());
                    // As in Temporal, signal-with-start (unlike a plain signal) ends a start delay.
                    if (running.State.FirstTaskDueMs != null)
                    {
                        running.State.FirstTaskDueMs = null;
                        EnsureWorkflowTask(tx, running);
                    }
                    return new StartOutcome(running.State.RunId, false, running);
                });
            return new SignalWithStartWorkflowExecutionResponse { RunId = outcome.RunId, Started = outcome.Started };
        });
    }
}
