using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

public sealed partial class WorkflowEngine
{
    /// <summary>
    /// PollWorkflowTaskQueue: waits for a workflow or query task, validates it against the run
    /// and starts it. Stale tasks (already started, superseded) are skipped.
    /// </summary>
    public async Task<PollWorkflowTaskQueueResponse> PollWorkflowTaskAsync(PollWorkflowTaskQueueRequest r, TimeSpan maxWait, CancellationToken ct)
    {
        var version = await PollerVersionAsync(r.Namespace, r.TaskQueue, Matching.WorkflowQueue, r.DeploymentOptions, r.Identity).ConfigureAwait(false);
        return await PollLoopAsync(r.Namespace, r.TaskQueue?.Name, Matching.WorkflowQueue, r.Identity, maxWait, ct,
            task => task.Kind == TaskToken.Query
                ? ReadAsync(() => StartQueryTask(task, r.TaskQueue!.Name))
                : MutateAsync(tx => StartWorkflowTask(tx, task, r.Identity, r.TaskQueue!.Name, version)), version).ConfigureAwait(false)
            ?? new PollWorkflowTaskQueueResponse();
    }

    /// <summary>
    /// The long poll shared by both task kinds: takes tasks off the queue until one is still
    /// valid and starts it, or the wait ends (null). A task whose start fails is queued again.
    /// </summary>
    private async Task<TResponse?> PollLoopAsync<TResponse>(string ns, string? queue, int type, string identity, TimeSpan maxWait,
        CancellationToken ct, Func<TaskRef, Task<TResponse?>> start, string version = "") where TResponse : class
    {
        Namespaces.Get(ns);
        Require(queue, "TaskQueue");
        var until = DateTime.UtcNow + maxWait;
        while (!ct.IsCancellationRequested)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) break;
            var task = await Matching.PollAsync(ns, queue!, type, identity, left, ct, version).ConfigureAwait(false);
            if (task == null) break;
            // Started for this poll by the transition that scheduled it (SyncStart), already committed.
            if (task.Started is TResponse started) return started;
            TResponse? resp;
            try
            {
                resp = await start(task).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (!Kubiya.Server.Storage.StorageHealth.IsDiskFull(ex))
                    Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(log, ex, "Starting task {Task} failed; it is queued again", task);
                Matching.Add(task.Namespace, queue!, type, task);
                throw;
            }
            if (resp != null) return resp;
        }
        return null;
    }


    private PollWorkflowTaskQueueResponse? StartWorkflowTask(Tx tx, TaskRef t, string identity, string polledQueue, string version = "")
    {
        var e = LoadRun(t.Namespace, t.RunId);
        if (e == null || !e.IsOpen) return null;
        var wft = e.State.Wft;
        if (wft == null || wft.ScheduledEventId != t.ScheduledEventId || wft.Attempt != t.Attempt || wft.StartedEventId != 0)
            return null;
        if (!AcceptsWorkflowTask(tx, e, t, version, polledQueue)) return null;
        tx.Touch(e);
        var now = Clock.NowMs();
        if (wft.Transient && wft.ScheduledEventId != e.State.NextEventId)
        {
            // News arrived since this retry was scheduled: it becomes an ordinary first attempt.
            wft.Transient = false;
            wft.Attempt = 1;
            wft.TimeoutMs = WorkflowTaskTimeoutMs(e.State, 1);
            wft.ScheduledTimeMs = now;
            wft.ScheduledEventId = Append(tx, e, WorkflowTaskScheduledEvent(e, wft));
        }
        wft.StartedTimeMs = now;
        wft.Identity = identity ?? "";
        wft.RequestId = Guid.NewGuid().ToString();
        wft.HistorySizeBytes = e.HistorySizeBytes;
        wft.SuggestContinueAsNewReasons = ContinueAsNewReasons(e);
        List<HistoryEvent>? transientEvents = null;
        if (wft.Transient)
        {
            // Not written yet: the worker sees them at the end of the history it is sent.
            var scheduled = WorkflowTaskScheduledEvent(e, wft);
            scheduled.EventId = wft.ScheduledEventId;
            var started = WithTargetChange(e, WorkflowTaskStartedEvent(wft));
            started.EventId = wft.StartedEventId = wft.ScheduledEventId + 1;
            transientEvents = new() { scheduled, started };
        }
        else wft.StartedEventId = Append(tx, e, WithTargetChange(e, WorkflowTaskStartedEvent(wft)));
        var resp = BuildWorkflowTaskResponse(e, new TaskToken(TaskToken.Workflow, t.Namespace, e.State.WorkflowId, e.State.RunId, wft.ScheduledEventId, wft.Attempt),
            wft.StartedEventId, wft.Attempt, wft.ScheduledTimeMs, now, transientEvents, SendsPartialHistory(e, polledQueue));
        AttachUpdateRequests(e, resp, wft.StartedEventId);
        return resp;
    }

    private HistoryEvent WorkflowTaskStartedEvent(WorkflowTaskInfo wft)
    {
        var ev = NewEvent(EventType.WorkflowTaskStarted);
        ev.EventTime = Clock.Ts(wft.StartedTimeMs);
        ev.WorkflowTaskStartedEventAttributes = new()
        {
            ScheduledEventId = wft.ScheduledEventId,
            Identity = wft.Identity,
            RequestId = wft.RequestId,
            HistorySizeBytes = wft.HistorySizeBytes,
            SuggestContinueAsNew = wft.SuggestContinueAsNewReasons != null,
        };
        if (wft.SuggestContinueAsNewReasons != null)
            ev.WorkflowTaskStartedEventAttributes.SuggestContinueAsNewReasons.AddRange(wft.SuggestContinueAsNewReasons.Select(x => (SuggestContinueAsNewReason)x));
        return ev;
    }

    private PollWorkflowTaskQueueResponse BuildWorkflowTaskResponse(Execution e, TaskToken token, long startedEventId, int attempt, long scheduledMs, long startedMs,
        List<HistoryEvent>? transientEvents = null, bool partialHistory = false)
    {
        var resp = new PollWorkflowTaskQueueResponse
        {
            TaskToken = token.ToByteString(),
            WorkflowExecution = new() { WorkflowId = e.State.WorkflowId, RunId = e.State.RunId },
            WorkflowType = new() { Name = e.State.WorkflowType },
            PreviousStartedEventId = e.State.LastCompletedWftStartedEventId,
            StartedEventId = startedEventId,
            Attempt = attempt,
            History = new History(),
            WorkflowExecutionTaskQueue = new() { Name = e.State.TaskQueue, Kind = TaskQueueKind.Normal },
            ScheduledTime = Clock.Ts(scheduledMs),
            StartedTime = Clock.Ts(startedMs),
            BacklogCountHint = Matching.Backlog(e.State.Namespace, e.State.TaskQueue, Matching.WorkflowQueue),
        };
        if (partialHistory)
        {
            // Sticky: only what the worker has not seen since the last task it completed.
            resp.History.Events.AddRange(e.History.Skip((int)e.State.LastCompletedWftStartedEventId));
            Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(log, "Sticky task for {WorkflowId}: {Sent} of {Total} events",
                e.State.WorkflowId, resp.History.Events.Count, e.History.Count);
        }
        else
            resp.History.Events.AddRange(e.History);
        if (transientEvents != null) resp.History.Events.AddRange(transientEvents);
        return resp;
    }

    private PollWorkflowTaskQueueResponse? StartQueryTask(TaskRef t, string polledQueue)
    {
        if (t.QueryId == null || !queries.TryGetValue(t.QueryId, out var q) || q.Delivered) return null;
        var e = LoadRun(t.Namespace, t.RunId);
        if (e == null) return null;
        if (e.IsOpen && (e.State.Wft != null || e.State.LastCompletedWftStartedEventId == 0))
        {
            // Consistent queries, as in Temporal: while a workflow task is pending the query
            // waits for it, so it sees every event that arrived before it (a signal, say) and the
            // history it is answered against ends where the worker's own processing ended.
            e.ParkedQueries.Add(q);
            Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(log, "Query {Query} for {WorkflowId}: parked", q.Id, q.WorkflowId);
            return null;
        }
        var now = Clock.NowMs();
        q.Delivered = true;
        Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(log, "Query {Query} for {WorkflowId}: delivered on {Queue}", q.Id, q.WorkflowId, polledQueue);
        var resp = BuildWorkflowTaskResponse(e, new TaskToken(TaskToken.Query, t.Namespace, e.State.WorkflowId, e.State.RunId, 0, 0, q.Id),
            e.State.LastCompletedWftStartedEventId, 1, now, now);
        resp.Query = q.Query;
        return resp;
    }

    /// <summary>Finds the workflow task a token refers to, or throws NotFound.</summary>
    private Execution WorkflowTaskOf(TaskToken t)
    {
        Namespaces.Get(t.Namespace);
        var e = LoadRun(t.Namespace, t.RunId) ?? throw ServerErrors.WorkflowNotFound(t.WorkflowId, t.RunId);
        if (!e.IsOpen) throw ServerErrors.AlreadyCompleted();
        var wft = e.State.Wft;
        if (wft == null || wft.ScheduledEventId != t.ScheduledEventId || wft.Attempt != t.Attempt || wft.StartedEventId == 0)
            throw ServerErrors.NotFound("Workflow task not found: it already completed, failed or timed out.");
        return e;
    }

    /// <summary>RespondWorkflowTaskCompleted: records the completion and applies the commands.</summary>
    public Task<RespondWorkflowTaskCompletedResponse> CompleteWorkflowTaskAsync(RespondWorkflowTaskCompletedRequest r)
    {
        var token = TaskToken.Parse(r.TaskToken, TaskToken.Workflow);
        return MutateAsync(tx =>
        {
            var e = WorkflowTaskOf(token);
            var wft = e.State.Wft!;
            var problem = ValidateCommands(e, r);
            if (problem == null && ProtocolProblem(r) is { } protocolProblem)
                problem = (WorkflowTaskFailedCause.BadUpdateWorkflowExecutionMessage, protocolProblem);
            var closes = r.Commands.Any(c => IsCloseCommand(c.CommandType));
            if (problem == null && closes && e.State.Buffered.Count > 0)
                problem = (WorkflowTaskFailedCause.UnhandledCommand, "New events arrived while the workflow task was in flight; the workflow must see them before it closes.");
            if (problem == null && closes && HasUndeliveredUpdates(e, wft.StartedEventId))
                problem = (WorkflowTaskFailedCause.UnhandledUpdate, "Updates arrived while the workflow task was in flight; the workflow must handle them before it closes.");
            if (problem is { } p)
            {
                FailWorkflowTask(tx, e, p.Cause, new Temporalio.Api.Failure.V1.Failure { Message = p.Message }, r.Identity,
                    nextAttempt: p.Cause is WorkflowTaskFailedCause.UnhandledCommand or WorkflowTaskFailedCause.UnhandledUpdate ? 1 : wft.Attempt + 1);
                return new RespondWorkflowTaskCompletedResponse();
            }
            if (wft.Transient)
            {
                // The retry succeeded: its Scheduled and Started events join the history now.
                wft.ScheduledEventId = Append(tx, e, WorkflowTaskScheduledEvent(e, wft));
                wft.StartedEventId = Append(tx, e, WithTargetChange(e, WorkflowTaskStartedEvent(wft)));
            }
            var done = NewEvent(EventType.WorkflowTaskCompleted);
            done.WorkflowTaskCompletedEventAttributes = new()
            {
                ScheduledEventId = wft.ScheduledEventId,
                StartedEventId = wft.StartedEventId,
                Identity = r.Identity,
                BinaryChecksum = r.BinaryChecksum,
                SdkMetadata = r.SdkMetadata,
                MeteringMetadata = r.MeteringMetadata,
                WorkerVersion = r.WorkerVersionStamp,
            };
            RecordCompletionVersion(e, r, done.WorkflowTaskCompletedEventAttributes);
            var completedId = Append(tx, e, done);
            var startedEventId = wft.StartedEventId;
            e.State.LastCompletedWftStartedEventId = wft.StartedEventId;
            e.State.Wft = null;
            if (r.StickyAttributes?.WorkerTaskQueue?.Name is { Length: > 0 } sticky)
            {
                e.State.StickyQueue = sticky;
                e.State.StickyScheduleToStartMs = Clock.Ms(r.StickyAttributes.ScheduleToStartTimeout);
            }
            var post = new List<Action>();
            var needTask = r.ForceCreateNewWorkflowTask;
            var messages = new CompletionMessages(r);
            var eager = new List<long>();
            foreach (var cmd in r.Commands)
            {
                if (!e.IsOpen) break;
                var firstEvent = e.History.Count;
                if (cmd.CommandType == CommandType.ProtocolMessage) ApplyProtocolMessageCommand(tx, e, messages, cmd);
                else needTask |= ApplyCommand(tx, e, cmd, completedId, post);
                CarryUserMetadata(e, cmd, firstEvent);
                if (cmd.CommandType == CommandType.ScheduleActivityTask && cmd.ScheduleActivityTaskCommandAttributes.RequestEagerExecution)
                    eager.Add(e.History[e.History.Count - 1].EventId);
            }
            needTask |= FinishUpdateMessages(tx, e, messages, startedEventId);
            if (e.IsOpen)
            {
                needTask |= FlushBuffered(tx, e) > 0;
                if (needTask) EnsureWorkflowTask(tx, e);
            }
            foreach (var action in post) action();
            var response = new RespondWorkflowTaskCompletedResponse();
            if (e.IsOpen) response.ActivityTasks.AddRange(StartEagerActivities(tx, e, eager, r.Identity));
            return response;
        });
    }

    /// <summary>RespondWorkflowTaskFailed.</summary>
    public Task<RespondWorkflowTaskFailedResponse> FailWorkflowTaskAsync(RespondWorkflowTaskFailedRequest r)
    {
        var token = TaskToken.Parse(r.TaskToken, TaskToken.Workflow);
        return MutateAsync(tx =>
        {
            var e = WorkflowTaskOf(token);
            FailWorkflowTask(tx, e, r.Cause, r.Failure, r.Identity, e.State.Wft!.Attempt + 1);
            return new RespondWorkflowTaskFailedResponse();
        });
    }

    private void FailWorkflowTask(Tx tx, Execution e, WorkflowTaskFailedCause cause, Temporalio.Api.Failure.V1.Failure? failure, string identity, int nextAttempt)
    {
        var wft = e.State.Wft!;
        if (!wft.Transient)
        {
            var ev = NewEvent(EventType.WorkflowTaskFailed);
            ev.WorkflowTaskFailedEventAttributes = new()
            {
                ScheduledEventId = wft.ScheduledEventId,
                StartedEventId = wft.StartedEventId,
                Cause = cause,
                Failure = failure,
                Identity = identity ?? "",
            };
            Append(tx, e, ev);
        }
        e.State.Wft = null;
        e.State.StickyQueue = null; // the worker's cached state for this run is suspect now
        var news = FlushBuffered(tx, e);
        ScheduleWorkflowTask(tx, e, news > 0 ? 1 : nextAttempt);
    }

    private void TimeOutWorkflowTask(Tx tx, Execution e)
    {
        var wft = e.State.Wft!;
        if (!wft.Transient)
        {
            var ev = NewEvent(EventType.WorkflowTaskTimedOut);
            ev.WorkflowTaskTimedOutEventAttributes = new()
            {
                ScheduledEventId = wft.ScheduledEventId,
                StartedEventId = wft.StartedEventId,
                TimeoutType = TimeoutType.StartToClose,
            };
            Append(tx, e, ev);
        }
        e.State.Wft = null;
        e.State.StickyQueue = null;
        var news = FlushBuffered(tx, e);
        ScheduleWorkflowTask(tx, e, news > 0 ? 1 : wft.Attempt + 1);
    }

    /// <summary>RespondQueryTaskCompleted: hands the answer to the waiting QueryWorkflow call.</summary>
    public RespondQueryTaskCompletedResponse CompleteQuery(RespondQueryTaskCompletedRequest r)
    {
        var token = TaskToken.Parse(r.TaskToken, TaskToken.Query);
        if (token.QueryId == null || !queries.TryRemove(token.QueryId, out var q))
            throw ServerErrors.NotFound("Query not found: it was already answered or its caller gave up.");
        Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(log, "Query {Query}: answered {Type}", q.Id, r.CompletedType);
        if (r.CompletedType == QueryResultType.Answered)
            q.Result.TrySetResult(new QueryWorkflowResponse { QueryResult = r.QueryResult });
        else
            q.Result.TrySetException(ServerErrors.Make(Grpc.Core.StatusCode.InvalidArgument,
                string.IsNullOrEmpty(r.ErrorMessage) ? "Query failed." : r.ErrorMessage,
                new Temporalio.Api.ErrorDetails.V1.QueryFailedFailure { Failure = r.Failure }));
        return new RespondQueryTaskCompletedResponse();
    }

    /// <summary>QueryWorkflow: dispatches a query task to the run's queue and waits for the answer.</summary>
    public async Task<QueryWorkflowResponse> QueryAsync(QueryWorkflowRequest r, CancellationToken ct)
    {
        Require(r.Query?.QueryType, "QueryType");
        var q = await ReadAsync(() =>
        {
            var e = Find(r.Namespace, r.Execution?.WorkflowId ?? "", r.Execution?.RunId);
            var status = (WorkflowExecutionStatus)e.State.Status;
            var reject = r.QueryRejectCondition switch
            {
                QueryRejectCondition.NotOpen => status != WorkflowExecutionStatus.Running,
                QueryRejectCondition.NotCompletedCleanly => status is not (WorkflowExecutionStatus.Running or WorkflowExecutionStatus.Completed),
                _ => false,
            };
            if (reject) return (null, status);
            var pq = new PendingQuery(Guid.NewGuid().ToString(), e.State.Namespace, e.State.WorkflowId, e.State.RunId, r.Query!);
            queries[pq.Id] = pq;
            DispatchQuery(e, pq);
            return ((PendingQuery?)pq, status);
        }).ConfigureAwait(false);
        if (q.Item1 == null)
            return new QueryWorkflowResponse { QueryRejected = new() { Status = q.status } };
        try
        {
            return await q.Item1.Result.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            queries.TryRemove(q.Item1.Id, out _);
        }
    }
}
