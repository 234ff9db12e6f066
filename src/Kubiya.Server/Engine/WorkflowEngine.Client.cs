using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

public sealed partial class WorkflowEngine
{
    /// <summary>How many signal request ids a run remembers for deduplication.</summary>
    private const int MaxRememberedSignalRequestIds = 1000;

    public Task<SignalWorkflowExecutionResponse> SignalAsync(SignalWorkflowExecutionRequest r)
    {
        Require(r.SignalName, "SignalName");
        CheckPayloads(r.Input, "Signal input");
        return MutateAsync(tx =>
        {
            var e = Find(r.Namespace, r.WorkflowExecution?.WorkflowId ?? "", r.WorkflowExecution?.RunId);
            if (!e.IsOpen) throw ServerErrors.AlreadyCompleted();
            if (!string.IsNullOrEmpty(r.RequestId))
            {
                if (e.State.SignalRequestIds.Contains(r.RequestId)) return new SignalWorkflowExecutionResponse();
                tx.Touch(e);
                e.State.SignalRequestIds.Add(r.RequestId);
                if (e.State.SignalRequestIds.Count > MaxRememberedSignalRequestIds) e.State.SignalRequestIds.RemoveAt(0);
            }
            var ev = NewEvent(EventType.WorkflowExecutionSignaled);
            ev.WorkflowExecutionSignaledEventAttributes = new()
            {
                SignalName = r.SignalName,
                Input = r.Input,
                Identity = r.Identity,
                Header = r.Header,
            };
            AppendNews(tx, e, ev);
            return new SignalWorkflowExecutionResponse();
        });
    }

    public Task<RequestCancelWorkflowExecutionResponse> RequestCancelAsync(RequestCancelWorkflowExecutionRequest r) =>
        MutateAsync(tx =>
        {
            var e = Find(r.Namespace, r.WorkflowExecution?.WorkflowId ?? "", r.WorkflowExecution?.RunId);
            if (!string.IsNullOrEmpty(r.FirstExecutionRunId) && e.State.FirstRunId != r.FirstExecutionRunId)
                throw ServerErrors.WorkflowNotFound(e.State.WorkflowId, r.FirstExecutionRunId);
            // As in Temporal, cancelling a run that already closed succeeds and changes nothing.
            if (!e.IsOpen) return new RequestCancelWorkflowExecutionResponse();
            RequestCancel(tx, e, r.Identity, r.Reason);
            return new RequestCancelWorkflowExecutionResponse();
        });

    public Task<TerminateWorkflowExecutionResponse> TerminateAsync(TerminateWorkflowExecutionRequest r) =>
        MutateAsync(tx =>
        {
            var e = Find(r.Namespace, r.WorkflowExecution?.WorkflowId ?? "", r.WorkflowExecution?.RunId);
            if (!string.IsNullOrEmpty(r.FirstExecutionRunId) && e.State.FirstRunId != r.FirstExecutionRunId)
                throw ServerErrors.WorkflowNotFound(e.State.WorkflowId, r.FirstExecutionRunId);
            if (!e.IsOpen) throw ServerErrors.AlreadyCompleted();
            Terminate(tx, e, r.Reason, r.Details, r.Identity);
            return new TerminateWorkflowExecutionResponse();
        });

    /// <summary>GetWorkflowExecutionHistory with paging, long-poll and the close-event filter.</summary>
    public async Task<GetWorkflowExecutionHistoryResponse> GetHistoryAsync(GetWorkflowExecutionHistoryRequest r, TimeSpan maxWait, CancellationToken ct)
    {
        var closeOnly = r.HistoryEventFilterType == HistoryEventFilterType.CloseEvent;
        var pageSize = r.MaximumPageSize <= 0 ? 1000 : r.MaximumPageSize;
        long fromEventId = 1;
        if (!r.NextPageToken.IsEmpty)
        {
            var text = r.NextPageToken.ToStringUtf8();
            if (!long.TryParse(text, out fromEventId) || fromEventId < 1)
                throw ServerErrors.InvalidArgument("Invalid NextPageToken.");
        }
        var until = DateTime.UtcNow + maxWait;
        while (true)
        {
            var (resp, waitFor) = await ReadAsync(() =>
            {
                var e = Find(r.Namespace, r.Execution?.WorkflowId ?? "", r.Execution?.RunId);
                var hist = e.History;
                var result = new GetWorkflowExecutionHistoryResponse { History = new History() };
                if (closeOnly)
                {
                    if (!e.IsOpen)
                    {
                        result.History.Events.Add(hist[^1]);
                        return (result, (Task?)null);
                    }
                    if (!r.WaitNewEvent) return (result, null);
                    result.NextPageToken = Google.Protobuf.ByteString.CopyFromUtf8(fromEventId.ToString());
                    return (result, e.ChangedTask);
                }
                var start = (int)Math.Min(fromEventId - 1, hist.Count);
                var take = Math.Min(pageSize, hist.Count - start);
                if (take == 0 && r.WaitNewEvent && e.IsOpen)
                {
                    result.NextPageToken = Google.Protobuf.ByteString.CopyFromUtf8(fromEventId.ToString());
                    return (result, e.ChangedTask);
                }
                result.History.Events.AddRange(hist.GetRange(start, take));
                var next = start + take + 1;
                if (next <= hist.Count || (r.WaitNewEvent && e.IsOpen))
                    result.NextPageToken = Google.Protobuf.ByteString.CopyFromUtf8(next.ToString());
                return (result, null);
            }).ConfigureAwait(false);
            if (waitFor == null) return resp;
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return resp;
            // A waiting caller (exec, -Follow) is told when nothing can progress for lack of disk space.
            if (Storage?.IsFull == true) throw ServerErrors.Make(Grpc.Core.StatusCode.FailedPrecondition, Storage.DiskFullMessage);
            try { await waitFor.WaitAsync(left < StorageRecheck ? left : StorageRecheck, ct).ConfigureAwait(false); }
            catch (TimeoutException) { if (DateTime.UtcNow >= until) return resp; }
        }
    }

    public Task<DescribeWorkflowExecutionResponse> DescribeAsync(DescribeWorkflowExecutionRequest r) =>
        ReadAsync(() => Describe(Find(r.Namespace, r.Execution?.WorkflowId ?? "", r.Execution?.RunId)));

    private DescribeWorkflowExecutionResponse Describe(Execution e)
    {
        var s = e.State;
        var started = e.History[0].WorkflowExecutionStartedEventAttributes;
        var info = new Temporalio.Api.Workflow.V1.WorkflowExecutionInfo
        {
            Execution = new() { WorkflowId = s.WorkflowId, RunId = s.RunId },
            Type = new() { Name = s.WorkflowType },
            StartTime = Clock.Ts(s.StartTimeMs),
            ExecutionTime = Clock.Ts(s.ExecutionTimeMs),
            Status = (WorkflowExecutionStatus)s.Status,
            HistoryLength = s.NextEventId - 1,
            TaskQueue = s.TaskQueue,
            FirstRunId = s.FirstRunId,
            StateTransitionCount = s.NextEventId - 1,
            HistorySizeBytes = e.HistorySizeBytes,
            Memo = s.Memo == null ? new Temporalio.Api.Common.V1.Memo() : Temporalio.Api.Common.V1.Memo.Parser.ParseFrom(s.Memo),
            SearchAttributes = s.SearchAttributes == null ? new Temporalio.Api.Common.V1.SearchAttributes() : Temporalio.Api.Common.V1.SearchAttributes.Parser.ParseFrom(s.SearchAttributes),
        };
        if (s.CloseTimeMs is { } ct) info.CloseTime = Clock.Ts(ct);
        AddVersioningInfo(e, info);
        if (s.Parent is { } p)
        {
            info.ParentNamespaceId = Namespaces.Get(p.Namespace).Id;
            info.ParentExecution = new() { WorkflowId = p.WorkflowId, RunId = p.RunId };
        }
        var resp = new DescribeWorkflowExecutionResponse
        {
            ExecutionConfig = new()
            {
                TaskQueue = new() { Name = s.TaskQueue, Kind = TaskQueueKind.Normal },
                WorkflowExecutionTimeout = started.WorkflowExecutionTimeout,
                WorkflowRunTimeout = started.WorkflowRunTimeout,
                DefaultWorkflowTaskTimeout = Clock.Dur(s.WorkflowTaskTimeoutMs),
            },
            WorkflowExecutionInfo = info,
        };
        foreach (var a in s.Activities.Values.OrderBy(a => a.ScheduledEventId))
        {
            var attrs = ActivityTaskScheduledEventAttributes.Parser.ParseFrom(a.Attributes);
            var pa = new Temporalio.Api.Workflow.V1.PendingActivityInfo
            {
                ActivityId = a.ActivityId,
                ActivityType = new() { Name = a.ActivityType },
                State = a.CancelRequested ? PendingActivityState.CancelRequested
                    : a.Started ? PendingActivityState.Started : PendingActivityState.Scheduled,
                Attempt = a.Attempt,
                MaximumAttempts = attrs.RetryPolicy?.MaximumAttempts ?? 0,
                ScheduledTime = Clock.Ts(a.ScheduledTimeMs),
                LastWorkerIdentity = a.LastWorkerIdentity,
            };
            if (a.HeartbeatDetails != null) pa.HeartbeatDetails = Temporalio.Api.Common.V1.Payloads.Parser.ParseFrom(a.HeartbeatDetails);
            if (a.LastHeartbeatMs is { } hb) pa.LastHeartbeatTime = Clock.Ts(hb);
            if (a.Started) pa.LastStartedTime = Clock.Ts(a.StartedTimeMs);
            if (a.LastFailure != null) pa.LastFailure = Temporalio.Api.Failure.V1.Failure.Parser.ParseFrom(a.LastFailure);
            if (a.ScheduleToCloseMs > 0) pa.ExpirationTime = Clock.Ts(a.FirstScheduledTimeMs + a.ScheduleToCloseMs);
            if (a.LastAttemptCompleteMs is { } last) pa.LastAttemptCompleteTime = Clock.Ts(last);
            if (!a.Started && a.Attempt > 1) pa.NextAttemptScheduleTime = Clock.Ts(a.ScheduledTimeMs);
            resp.PendingActivities.Add(pa);
        }
        foreach (var c in s.Children.Values.OrderBy(c => c.InitiatedEventId))
            resp.PendingChildren.Add(new Temporalio.Api.Workflow.V1.PendingChildExecutionInfo
            {
                WorkflowId = c.WorkflowId,
                RunId = c.RunId,
                WorkflowTypeName = c.WorkflowType,
                InitiatedId = c.InitiatedEventId,
                ParentClosePolicy = (ParentClosePolicy)c.ParentClosePolicy,
            });
        if (s.Wft is { } w)
        {
            resp.PendingWorkflowTask = new()
            {
                State = w.StartedEventId > 0 ? PendingWorkflowTaskState.Started : PendingWorkflowTaskState.Scheduled,
                ScheduledTime = Clock.Ts(w.ScheduledTimeMs),
                OriginalScheduledTime = Clock.Ts(w.ScheduledTimeMs),
                Attempt = w.Attempt,
            };
            if (w.StartedEventId > 0) resp.PendingWorkflowTask.StartedTime = Clock.Ts(w.StartedTimeMs);
        }
        DescribeFields(e, resp);
        DescribeNexus(e, resp);
        return resp;
    }

    public DescribeTaskQueueResponse DescribeTaskQueue(DescribeTaskQueueRequest r)
    {
        Namespaces.Get(r.Namespace);
        Require(r.TaskQueue?.Name, "TaskQueue");
        var type = r.TaskQueueType switch
        {
            TaskQueueType.Activity => Matching.ActivityQueue,
            TaskQueueType.Nexus => NexusQueue,
            _ => Matching.WorkflowQueue,
        };
        var resp = new DescribeTaskQueueResponse();
        foreach (var p in Matching.Pollers(r.Namespace, r.TaskQueue!.Name, type))
            resp.Pollers.Add(new Temporalio.Api.TaskQueue.V1.PollerInfo
            {
                Identity = p.Identity,
                LastAccessTime = Clock.Ts(p.LastAccessMs),
                RatePerSecond = 100000,
                DeploymentOptions = PollerDeploymentOptions(r.Namespace, p.Identity, r.TaskQueue.Name),
            });
        if (r.IncludeTaskQueueStatus)
            resp.TaskQueueStatus = new() { BacklogCountHint = Matching.Backlog(r.Namespace, r.TaskQueue.Name, type) };
        return resp;
    }

    public Task<ResetStickyTaskQueueResponse> ResetStickyAsync(ResetStickyTaskQueueRequest r) =>
        MutateAsync(tx =>
        {
            var e = Find(r.Namespace, r.Execution?.WorkflowId ?? "", r.Execution?.RunId);
            if (e.State.StickyQueue != null) FallBackToNormalQueue(tx, e);
            return new ResetStickyTaskQueueResponse();
        });

    // ---- timers ----

    private async Task OnTimerAsync(TimerRef t)
    {
        // Deadlines of a closed run are moot (FireTimer would return at once).
        if (t.Life is { Closed: true }) return;
        try
        {
            await MutateAsync(tx => FireTimer(tx, t)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A full disk is logged once by StorageHealth, not once per timer per second.
            if (!Kubiya.Server.Storage.StorageHealth.IsDiskFull(ex))
                Microsoft.Extensions.Logging.LoggerExtensions.LogError(log, ex, "Timer {Timer} failed; retrying in 1s", t);
            timers.Add(t with { DueMs = Clock.NowMs() + 1000 });
        }
    }

    private void FireTimer(Tx tx, TimerRef t)
    {
        var e = LoadRun(t.Namespace, t.RunId);
        if (e == null || !e.IsOpen) return;
        var s = e.State;
        var now = Clock.NowMs();
        switch (t.Kind)
        {
            case "timer":
            {
                var timer = s.Timers.Values.FirstOrDefault(x => x.StartedEventId == t.Ref);
                if (timer == null || timer.FireTimeMs > now) return;
                s.Timers.Remove(timer.TimerId);
                var ev = NewEvent(EventType.TimerFired);
                ev.TimerFiredEventAttributes = new() { TimerId = timer.TimerId, StartedEventId = timer.StartedEventId };
                AppendNews(tx, e, ev);
                return;
            }
            case "wft-sticky":
                if (s.Wft is { StartedEventId: 0, Sticky: true } sw && sw.ScheduledEventId == t.Ref && sw.Attempt == t.Stamp)
                    FallBackToNormalQueue(tx, e);
                return;
            case "wft-timeout":
                if (s.Wft is { StartedEventId: > 0 } w && w.ScheduledEventId == t.Ref && w.Attempt == t.Stamp
                    && WorkflowTaskDeadline(s, w) <= now)
                    TimeOutWorkflowTask(tx, e);
                return;
            case "first-task":
                if (s.FirstTaskDueMs is { } due && due <= now)
                {
                    s.FirstTaskDueMs = null;
                    ScheduleWorkflowTask(tx, e, 1);
                }
                return;
            case "run-timeout":
                if (s.RunDeadlineMs is { } rd && rd <= now) TimeOutWorkflow(tx, e, runTimeout: true);
                return;
            case "exec-timeout":
                if (s.ExecutionDeadlineMs is { } xd && xd <= now) TimeOutWorkflow(tx, e, runTimeout: false);
                return;
        }
        if (t.Kind.StartsWith("nexus-", StringComparison.Ordinal)) { FireNexusTimer(tx, e, t); return; }
        if (!s.Activities.TryGetValue(t.Ref, out var a)) return;
        switch (t.Kind)
        {
            case "act-backoff":
                tx.Poke(e); // dispatches the task now that its backoff has passed
                return;
            case "act-s2s":
                if (!a.Started && a.Attempt == t.Stamp && a.ScheduleToStartMs > 0 && a.ScheduledTimeMs + a.ScheduleToStartMs <= now)
                    TimeOutActivity(tx, e, a, TimeoutType.ScheduleToStart);
                return;
            case "act-s2c":
                if (a.Started && a.Attempt == t.Stamp && StartToCloseDeadline(a) <= now)
                    // An attempt's timeout never outlives the activity's: past that deadline too, it is
                    // the schedule-to-close timeout that ended it (as Temporal caps the attempt timer).
                    TimeOutActivity(tx, e, a, a.ScheduleToCloseMs > 0 && ScheduleToCloseDeadline(a) <= now
                        ? TimeoutType.ScheduleToClose : TimeoutType.StartToClose);
                return;
            case "act-hb":
                if (a.Started && a.Attempt == t.Stamp && a.HeartbeatTimeoutMs > 0 && HeartbeatDeadline(a) <= now)
                    TimeOutActivity(tx, e, a, TimeoutType.Heartbeat);
                return;
            case "act-sc":
                if (a.ScheduleToCloseMs > 0 && ScheduleToCloseDeadline(a) <= now)
                    TimeOutActivity(tx, e, a, TimeoutType.ScheduleToClose);
                return;
        }
    }
}
