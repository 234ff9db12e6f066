using Google.Protobuf;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

public sealed partial class WorkflowEngine
{
    private static bool IsCloseCommand(CommandType t) => t is CommandType.CompleteWorkflowExecution
        or CommandType.FailWorkflowExecution or CommandType.CancelWorkflowExecution or CommandType.ContinueAsNewWorkflowExecution;

    /// <summary>Checks every command before any is applied, so a bad one fails the task cleanly.</summary>
    private (WorkflowTaskFailedCause Cause, string Message)? ValidateCommands(Execution e, RespondWorkflowTaskCompletedRequest r)
    {
        var activityIds = new HashSet<string>(e.State.Activities.Values.Select(a => a.ActivityId));
        var timerIds = new HashSet<string>(e.State.Timers.Keys);
        for (var i = 0; i < r.Commands.Count; i++)
        {
            var c = r.Commands[i];
            if (IsCloseCommand(c.CommandType) && i != r.Commands.Count - 1 && r.Commands.Skip(i + 1).Any(x => x.CommandType != CommandType.ProtocolMessage))
                return (WorkflowTaskFailedCause.BadCompleteWorkflowExecutionAttributes, "A workflow-closing command must be the last command.");
            switch (c.CommandType)
            {
                case CommandType.ScheduleActivityTask:
                    var a = c.ScheduleActivityTaskCommandAttributes;
                    if (a == null || string.IsNullOrEmpty(a.ActivityId) || string.IsNullOrEmpty(a.ActivityType?.Name))
                        return (WorkflowTaskFailedCause.BadScheduleActivityAttributes, "ScheduleActivityTask needs an activity id and type.");
                    if (Clock.Ms(a.StartToCloseTimeout) <= 0 && Clock.Ms(a.ScheduleToCloseTimeout) <= 0)
                        return (WorkflowTaskFailedCause.BadScheduleActivityAttributes, $"Activity '{a.ActivityId}' needs a StartToClose or ScheduleToClose timeout.");
                    if (!activityIds.Add(a.ActivityId))
                        return (WorkflowTaskFailedCause.BadScheduleActivityAttributes, $"Activity id '{a.ActivityId}' is already in use by a pending activity.");
                    if (a.Input != null && a.Input.Payloads_.Any(p => p.CalculateSize() > Limits.BlobSizeLimitBytes))
                        return (WorkflowTaskFailedCause.BadScheduleActivityAttributes, "Activity input exceeds the payload size limit.");
                    if (RetryMath.Problem(a.RetryPolicy) is { } activityRetry)
                        return (WorkflowTaskFailedCause.BadScheduleActivityAttributes, $"Activity '{a.ActivityId}': {activityRetry}");
                    break;
                case CommandType.StartTimer:
                    var t = c.StartTimerCommandAttributes;
                    if (t == null || string.IsNullOrEmpty(t.TimerId) || !timerIds.Add(t.TimerId))
                        return (WorkflowTaskFailedCause.BadStartTimerAttributes, "StartTimer needs a timer id not already in use.");
                    break;
                case CommandType.CompleteWorkflowExecution:
                    if (c.CompleteWorkflowExecutionCommandAttributes?.Result?.Payloads_.Any(p => p.CalculateSize() > Limits.BlobSizeLimitBytes) == true)
                        return (WorkflowTaskFailedCause.BadCompleteWorkflowExecutionAttributes, "Workflow result exceeds the payload size limit.");
                    break;
                case CommandType.StartChildWorkflowExecution:
                    var ch = c.StartChildWorkflowExecutionCommandAttributes;
                    if (ch == null || string.IsNullOrEmpty(ch.WorkflowId) || string.IsNullOrEmpty(ch.WorkflowType?.Name))
                        return (WorkflowTaskFailedCause.BadStartChildExecutionAttributes, "StartChildWorkflowExecution needs a workflow id and type.");
                    if (!string.IsNullOrEmpty(ch.Namespace) && !Namespaces.Exists(ch.Namespace))
                        return (WorkflowTaskFailedCause.BadStartChildExecutionAttributes, $"Namespace {ch.Namespace} is not found.");
                    if (!string.IsNullOrWhiteSpace(ch.CronSchedule))
                        return (WorkflowTaskFailedCause.BadStartChildExecutionAttributes, ServerErrors.CronUnsupported);
                    if (RetryMath.Problem(ch.RetryPolicy) is { } childRetry)
                        return (WorkflowTaskFailedCause.BadStartChildExecutionAttributes, $"Child workflow '{ch.WorkflowId}': {childRetry}");
                    if (SearchAttributesProblem(string.IsNullOrEmpty(ch.Namespace) ? e.State.Namespace : ch.Namespace, ch.SearchAttributes) is { } childProblem)
                        return (WorkflowTaskFailedCause.BadSearchAttributes, childProblem);
                    break;
                case CommandType.UpsertWorkflowSearchAttributes:
                    if (SearchAttributesProblem(e.State.Namespace, c.UpsertWorkflowSearchAttributesCommandAttributes?.SearchAttributes) is { } upsertProblem)
                        return (WorkflowTaskFailedCause.BadSearchAttributes, upsertProblem);
                    break;
                case CommandType.ContinueAsNewWorkflowExecution:
                    if (SearchAttributesProblem(e.State.Namespace, c.ContinueAsNewWorkflowExecutionCommandAttributes?.SearchAttributes) is { } canProblem)
                        return (WorkflowTaskFailedCause.BadSearchAttributes, canProblem);
                    break;
                case CommandType.ScheduleNexusOperation:
                case CommandType.RequestCancelNexusOperation:
                    if (ValidateNexusCommand(e, c) is { } nexusProblem) return nexusProblem;
                    break;
            }
        }
        return null;
    }

    /// <summary>Applies one command; returns true when it requires a new workflow task.</summary>
    private bool ApplyCommand(Tx tx, Execution e, Command c, long completedId, List<Action> post)
    {
        switch (c.CommandType)
        {
            case CommandType.ScheduleActivityTask:
                ScheduleActivity(tx, e, c.ScheduleActivityTaskCommandAttributes, completedId);
                return false;
            case CommandType.RequestCancelActivityTask:
                return RequestCancelActivity(tx, e, c.RequestCancelActivityTaskCommandAttributes.ScheduledEventId, completedId);
            case CommandType.StartTimer:
            {
                var a = c.StartTimerCommandAttributes;
                var ev = NewEvent(EventType.TimerStarted);
                ev.TimerStartedEventAttributes = new()
                {
                    TimerId = a.TimerId,
                    StartToFireTimeout = a.StartToFireTimeout,
                    WorkflowTaskCompletedEventId = completedId,
                };
                var id = Append(tx, e, ev);
                e.State.Timers[a.TimerId] = new TimerInfo
                {
                    TimerId = a.TimerId,
                    StartedEventId = id,
                    FireTimeMs = Clock.NowMs() + Math.Max(0, Clock.Ms(a.StartToFireTimeout)),
                };
                return false;
            }
            case CommandType.CancelTimer:
            {
                var a = c.CancelTimerCommandAttributes;
                if (!e.State.Timers.Remove(a.TimerId, out var timer)) return false;
                var ev = NewEvent(EventType.TimerCanceled);
                ev.TimerCanceledEventAttributes = new()
                {
                    TimerId = a.TimerId,
                    StartedEventId = timer.StartedEventId,
                    WorkflowTaskCompletedEventId = completedId,
                    Identity = "",
                };
                Append(tx, e, ev);
                return false;
            }
            case CommandType.RecordMarker:
            {
                var a = c.RecordMarkerCommandAttributes;
                var ev = NewEvent(EventType.MarkerRecorded);
                ev.MarkerRecordedEventAttributes = new()
                {
                    MarkerName = a.MarkerName,
                    Header = a.Header,
                    Failure = a.Failure,
                    WorkflowTaskCompletedEventId = completedId,
                };
                ev.MarkerRecordedEventAttributes.Details.Add(a.Details);
                Append(tx, e, ev);
                return false;
            }
            case CommandType.UpsertWorkflowSearchAttributes:
            {
                var a = c.UpsertWorkflowSearchAttributesCommandAttributes;
                var ev = NewEvent(EventType.UpsertWorkflowSearchAttributes);
                ev.UpsertWorkflowSearchAttributesEventAttributes = new()
                {
                    SearchAttributes = a.SearchAttributes,
                    WorkflowTaskCompletedEventId = completedId,
                };
                Append(tx, e, ev);
                e.State.SearchAttributes = MergeSearchAttributes(e.State.SearchAttributes, a.SearchAttributes);
                return false;
            }
            case CommandType.ModifyWorkflowProperties:
            {
                var a = c.ModifyWorkflowPropertiesCommandAttributes;
                var ev = NewEvent(EventType.WorkflowPropertiesModified);
                ev.WorkflowPropertiesModifiedEventAttributes = new()
                {
                    UpsertedMemo = a.UpsertedMemo,
                    WorkflowTaskCompletedEventId = completedId,
                };
                Append(tx, e, ev);
                e.State.Memo = MergeMemo(e.State.Memo, a.UpsertedMemo);
                return false;
            }
            case CommandType.CompleteWorkflowExecution:
            {
                var ev = NewEvent(EventType.WorkflowExecutionCompleted);
                ev.WorkflowExecutionCompletedEventAttributes = new()
                {
                    Result = c.CompleteWorkflowExecutionCommandAttributes.Result,
                    WorkflowTaskCompletedEventId = completedId,
                };
                Close(tx, e, WorkflowExecutionStatus.Completed, ev);
                return false;
            }
            case CommandType.FailWorkflowExecution:
            {
                var failure = c.FailWorkflowExecutionCommandAttributes.Failure ?? new Temporalio.Api.Failure.V1.Failure { Message = "workflow failed" };
                var (state, backoff) = DecideWorkflowRetry(e, failure);
                var ev = NewEvent(EventType.WorkflowExecutionFailed);
                ev.WorkflowExecutionFailedEventAttributes = new()
                {
                    Failure = failure,
                    RetryState = state,
                    WorkflowTaskCompletedEventId = completedId,
                };
                if (state == RetryState.InProgress)
                    ev.WorkflowExecutionFailedEventAttributes.NewExecutionRunId = e.State.NewRunId = RunIds.New();
                Close(tx, e, WorkflowExecutionStatus.Failed, ev);
                if (state == RetryState.InProgress) StartRetryRun(tx, e, failure, backoff);
                return false;
            }
            case CommandType.CancelWorkflowExecution:
            {
                var ev = NewEvent(EventType.WorkflowExecutionCanceled);
                ev.WorkflowExecutionCanceledEventAttributes = new()
                {
                    Details = c.CancelWorkflowExecutionCommandAttributes.Details,
                    WorkflowTaskCompletedEventId = completedId,
                };
                Close(tx, e, WorkflowExecutionStatus.Canceled, ev);
                return false;
            }
            case CommandType.ContinueAsNewWorkflowExecution:
                ContinueAsNew(tx, e, c.ContinueAsNewWorkflowExecutionCommandAttributes, completedId);
                return false;
            case CommandType.StartChildWorkflowExecution:
                InitiateChild(tx, e, c.StartChildWorkflowExecutionCommandAttributes, completedId, post);
                return false;
            case CommandType.SignalExternalWorkflowExecution:
                InitiateExternalSignal(tx, e, c.SignalExternalWorkflowExecutionCommandAttributes, completedId, post);
                return false;
            case CommandType.RequestCancelExternalWorkflowExecution:
                InitiateExternalCancel(tx, e, c.RequestCancelExternalWorkflowExecutionCommandAttributes, completedId, post);
                return false;
            case CommandType.ScheduleNexusOperation:
                ScheduleNexusOperation(tx, e, c.ScheduleNexusOperationCommandAttributes, completedId, post);
                return false;
            case CommandType.RequestCancelNexusOperation:
                RequestCancelNexusOperation(tx, e, c.RequestCancelNexusOperationCommandAttributes, completedId, post);
                return false;
            default:
                return false;
        }
    }

    internal static byte[]? MergeSearchAttributes(byte[]? current, SearchAttributes? upsert)
    {
        var merged = current == null ? new SearchAttributes() : SearchAttributes.Parser.ParseFrom(current);
        if (upsert != null)
            foreach (var kv in upsert.IndexedFields)
            {
                if (IsEmptyPayload(kv.Value)) merged.IndexedFields.Remove(kv.Key);
                else merged.IndexedFields[kv.Key] = kv.Value;
            }
        return merged.IndexedFields.Count == 0 ? null : merged.ToByteArray();
    }

    internal static byte[]? MergeMemo(byte[]? current, Memo? upsert)
    {
        var merged = current == null ? new Memo() : Memo.Parser.ParseFrom(current);
        if (upsert != null)
            foreach (var kv in upsert.Fields)
            {
                if (IsEmptyPayload(kv.Value)) merged.Fields.Remove(kv.Key);
                else merged.Fields[kv.Key] = kv.Value;
            }
        return merged.Fields.Count == 0 ? null : merged.ToByteArray();
    }

    /// <summary>An unset value: no data, or JSON null / empty list (how SDKs express removal).</summary>
    private static bool IsEmptyPayload(Payload p)
    {
        if (p.Data.IsEmpty) return true;
        var s = p.Data.ToStringUtf8().Trim();
        return s == "null" || s == "[]";
    }

    private void ContinueAsNew(Tx tx, Execution e, ContinueAsNewWorkflowExecutionCommandAttributes a, long completedId)
    {
        var s = e.State;
        var startedAttrs = e.History[0].WorkflowExecutionStartedEventAttributes;
        var newRunId = RunIds.New();
        var queue = string.IsNullOrEmpty(a.TaskQueue?.Name) ? s.TaskQueue : a.TaskQueue.Name;
        var type = string.IsNullOrEmpty(a.WorkflowType?.Name) ? s.WorkflowType : a.WorkflowType.Name;
        var runMs = a.WorkflowRunTimeout != null ? Clock.Ms(a.WorkflowRunTimeout) : Clock.Ms(startedAttrs.WorkflowRunTimeout);
        var taskMs = a.WorkflowTaskTimeout != null ? Clock.Ms(a.WorkflowTaskTimeout) : s.WorkflowTaskTimeoutMs;
        var ev = NewEvent(EventType.WorkflowExecutionContinuedAsNew);
        ev.WorkflowExecutionContinuedAsNewEventAttributes = new()
        {
            NewExecutionRunId = newRunId,
            WorkflowType = new() { Name = type },
            TaskQueue = new() { Name = queue, Kind = TaskQueueKind.Normal },
            Input = a.Input,
            WorkflowRunTimeout = runMs > 0 ? Clock.Dur(runMs) : null,
            WorkflowTaskTimeout = Clock.Dur(taskMs),
            WorkflowTaskCompletedEventId = completedId,
            BackoffStartInterval = a.BackoffStartInterval,
            Initiator = a.Initiator,
            Failure = a.Failure,
            LastCompletionResult = a.LastCompletionResult,
            Header = a.Header,
            Memo = a.Memo,
            SearchAttributes = a.SearchAttributes,
            InitialVersioningBehavior = a.InitialVersioningBehavior,
        };
        s.NewRunId = newRunId;
        Close(tx, e, WorkflowExecutionStatus.ContinuedAsNew, ev);
        var memo = a.Memo ?? (s.Memo == null ? null : Memo.Parser.ParseFrom(s.Memo));
        var sa = a.SearchAttributes ?? (s.SearchAttributes == null ? null : SearchAttributes.Parser.ParseFrom(s.SearchAttributes));
        var next = CreateRunWithId(tx, new StartSpec
        {
            Namespace = s.Namespace,
            WorkflowId = s.WorkflowId,
            WorkflowType = type,
            TaskQueue = queue,
            Input = a.Input,
            ExecutionTimeoutMs = Clock.Ms(startedAttrs.WorkflowExecutionTimeout),
            ExecutionDeadlineMs = s.ExecutionDeadlineMs,
            RunTimeoutMs = runMs,
            TaskTimeoutMs = taskMs,
            RequestId = Guid.NewGuid().ToString(),
            Identity = startedAttrs.Identity,
            Memo = memo,
            SearchAttributes = sa,
            Header = a.Header,
            RetryPolicy = a.RetryPolicy ?? startedAttrs.RetryPolicy,
            Parent = s.Parent,
            ContinuedFromRunId = s.RunId,
            FirstRunId = s.FirstRunId,
            Initiator = a.Initiator,
            LastCompletionResult = a.LastCompletionResult,
            ContinuedFailure = a.Failure,
            FirstTaskBackoffMs = Clock.Ms(a.BackoffStartInterval),
            CronSchedule = startedAttrs.CronSchedule,
            // A new run of the chain keeps the run's priority and root (Temporal's root rules).
            Priority = RunPriority(e),
            RootExecution = startedAttrs.RootWorkflowExecution,
            Extra = ContinueAsNewVersioning(e, a.InitialVersioningBehavior, queue),
        }, newRunId);
        _ = next;
    }

    private Execution CreateRunWithId(Tx tx, StartSpec spec, string runId)
    {
        pendingRunId = runId;
        try { return CreateRun(tx, spec); }
        finally { pendingRunId = null; }
    }
}
