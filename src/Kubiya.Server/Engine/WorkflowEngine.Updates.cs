using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.Protocol.V1;
using Temporalio.Api.Update.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// Workflow updates. A client's request is admitted into the run's state and reaches the
/// worker as a protocol message of the next workflow task (one is scheduled if none is; one
/// in flight is left alone and the request rides the next). The worker answers with
/// Acceptance / Rejection / Response messages, sequenced among its commands by
/// ProtocolMessage commands: acceptance and response are written to history at that point,
/// a rejection writes nothing. Callers wait for the stage they asked for.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>Most updates one run may have admitted or accepted but not completed (Temporal's default).</summary>
    public const int MaxInFlightUpdates = 10;

    private const int UpdateAdmitted = (int)UpdateWorkflowExecutionLifecycleStage.Admitted;
    private const int UpdateAccepted = (int)UpdateWorkflowExecutionLifecycleStage.Accepted;
    private const int UpdateCompleted = (int)UpdateWorkflowExecutionLifecycleStage.Completed;

    // ---- client calls ----

    /// <summary>UpdateWorkflowExecution: admits the update (idempotent by update id) and waits for the requested stage.</summary>
    public async Task<UpdateWorkflowExecutionResponse> UpdateWorkflowAsync(UpdateWorkflowExecutionRequest r, TimeSpan maxWait, CancellationToken ct)
    {
        var request = CheckUpdateRequest(r.Request);
        var (workflowId, runId) = await MutateAsync(tx =>
        {
            var e = Find(r.Namespace, r.WorkflowExecution?.WorkflowId ?? "", r.WorkflowExecution?.RunId);
            if (!string.IsNullOrEmpty(r.FirstExecutionRunId) && e.State.FirstRunId != r.FirstExecutionRunId)
                throw ServerErrors.WorkflowNotFound(e.State.WorkflowId, r.FirstExecutionRunId);
            AdmitUpdate(tx, e, request);
            return (e.State.WorkflowId, e.State.RunId);
        }).ConfigureAwait(false);
        var (outcome, stage) = await WaitForUpdateAsync(r.Namespace, runId, request.Meta.UpdateId,
            WantedStage(r.WaitPolicy, UpdateWorkflowExecutionLifecycleStage.Accepted), maxWait, ct).ConfigureAwait(false);
        return new UpdateWorkflowExecutionResponse { UpdateRef = UpdateRef(workflowId, runId, request.Meta.UpdateId), Outcome = outcome, Stage = stage };
    }

    /// <summary>PollWorkflowExecutionUpdate: the update's stage and outcome, waiting for the requested stage.</summary>
    public async Task<PollWorkflowExecutionUpdateResponse> PollUpdateAsync(PollWorkflowExecutionUpdateRequest r, TimeSpan maxWait, CancellationToken ct)
    {
        var updateId = r.UpdateRef?.UpdateId;
        Require(updateId, "UpdateRef.UpdateId");
        var (workflowId, runId) = await ReadAsync(() =>
        {
            var e = Find(r.Namespace, r.UpdateRef!.WorkflowExecution?.WorkflowId ?? "", r.UpdateRef.WorkflowExecution?.RunId);
            if (!e.State.Updates.ContainsKey(updateId!)) throw UpdateNotFound(updateId!, e);
            return (e.State.WorkflowId, e.State.RunId);
        }).ConfigureAwait(false);
        var wanted = r.WaitPolicy?.LifecycleStage ?? UpdateWorkflowExecutionLifecycleStage.Unspecified;
        // No stage asked for: answer at once with the current one.
        var (outcome, stage) = await WaitForUpdateAsync(r.Namespace, runId, updateId!,
            wanted == UpdateWorkflowExecutionLifecycleStage.Unspecified ? UpdateWorkflowExecutionLifecycleStage.Admitted : wanted,
            wanted == UpdateWorkflowExecutionLifecycleStage.Unspecified ? TimeSpan.Zero : maxWait, ct).ConfigureAwait(false);
        return new PollWorkflowExecutionUpdateResponse { UpdateRef = UpdateRef(workflowId, runId, updateId!), Outcome = outcome, Stage = stage };
    }

    /// <summary>
    /// ExecuteMultiOperation as update-with-start: starts the workflow (or, per its conflict
    /// policy, uses the running one) and admits the update in the same transition.
    /// </summary>
    public async Task<ExecuteMultiOperationResponse> ExecuteMultiOperationAsync(ExecuteMultiOperationRequest r, TimeSpan maxWait, CancellationToken ct)
    {
        Namespaces.Get(r.Namespace);
        if (r.Operations.Count != 2
            || r.Operations[0].OperationCase != ExecuteMultiOperationRequest.Types.Operation.OperationOneofCase.StartWorkflow
            || r.Operations[1].OperationCase != ExecuteMultiOperationRequest.Types.Operation.OperationOneofCase.UpdateWorkflow)
            throw ServerErrors.InvalidArgument("ExecuteMultiOperation supports exactly a StartWorkflow operation followed by an UpdateWorkflow operation (update-with-start).");
        var start = r.Operations[0].StartWorkflow;
        var update = r.Operations[1].UpdateWorkflow;
        if ((start.Namespace.Length > 0 && start.Namespace != r.Namespace) || (update.Namespace.Length > 0 && update.Namespace != r.Namespace))
            throw ServerErrors.InvalidArgument("Every operation of ExecuteMultiOperation must use the request's namespace.");
        if (update.WorkflowExecution is { } target && (target.WorkflowId.Length > 0 && target.WorkflowId != start.WorkflowId))
            throw ServerErrors.InvalidArgument($"The update targets workflow '{target.WorkflowId}' but the start operation is for '{start.WorkflowId}'.");
        if (update.WorkflowExecution?.RunId.Length > 0 || update.FirstExecutionRunId.Length > 0)
            throw ServerErrors.InvalidArgument("The update of update-with-start must not name a run id.");
        if (start.WorkflowIdConflictPolicy == WorkflowIdConflictPolicy.Unspecified)
            throw ServerErrors.InvalidArgument("Update-with-start needs a WorkflowIdConflictPolicy (UseExisting or Fail).");
        var request = CheckUpdateRequest(update.Request);
        var spec = SpecFromRequest(r.Namespace, start.WorkflowId, start.WorkflowType, start.TaskQueue, start.Input, start.WorkflowExecutionTimeout,
            start.WorkflowRunTimeout, start.WorkflowTaskTimeout, start.RequestId, start.Identity, start.Memo, start.SearchAttributes, start.Header, start.RetryPolicy, start.WorkflowStartDelay);
        ValidateSearchAttributes?.Invoke(r.Namespace, start.SearchAttributes);
        var started = await MutateAsync(tx =>
        {
            StartOutcome outcome;
            try { outcome = StartWithPolicies(tx, spec, start.WorkflowIdReusePolicy, start.WorkflowIdConflictPolicy); }
            catch (RpcException ex) { throw MultiOperationFailure(ex); }
            AdmitUpdate(tx, outcome.Execution, request);
            return outcome;
        }).ConfigureAwait(false);
        var (updateOutcome, stage) = await WaitForUpdateAsync(r.Namespace, started.RunId, request.Meta.UpdateId,
            WantedStage(update.WaitPolicy, UpdateWorkflowExecutionLifecycleStage.Accepted), maxWait, ct).ConfigureAwait(false);
        var resp = new ExecuteMultiOperationResponse();
        resp.Responses.Add(new ExecuteMultiOperationResponse.Types.Response
        {
            StartWorkflow = new StartWorkflowExecutionResponse
            {
                RunId = started.RunId,
                Started = started.Started,
                Status = (WorkflowExecutionStatus)started.Execution.State.Status,
            },
        });
        resp.Responses.Add(new ExecuteMultiOperationResponse.Types.Response
        {
            UpdateWorkflow = new UpdateWorkflowExecutionResponse
            {
                UpdateRef = UpdateRef(start.WorkflowId, started.RunId, request.Meta.UpdateId),
                Outcome = updateOutcome,
                Stage = stage,
            },
        });
        return resp;
    }

    /// <summary>Wraps the start's error as Temporal reports a failed multi-operation: its status, and the update aborted.</summary>
    private static RpcException MultiOperationFailure(RpcException startError)
    {
        var startStatus = new Temporalio.Api.ErrorDetails.V1.MultiOperationExecutionFailure.Types.OperationStatus
        {
            Code = (int)startError.StatusCode,
            Message = startError.Status.Detail,
        };
        if (startError.Trailers.GetValueBytes("grpc-status-details-bin") is { } bin)
            startStatus.Details.AddRange(Temporalio.Api.Common.V1.GrpcStatus.Parser.ParseFrom(bin).Details);
        var failure = new Temporalio.Api.ErrorDetails.V1.MultiOperationExecutionFailure();
        failure.Statuses.Add(startStatus);
        failure.Statuses.Add(new Temporalio.Api.ErrorDetails.V1.MultiOperationExecutionFailure.Types.OperationStatus
        {
            Code = (int)StatusCode.Aborted,
            Message = "Operation was aborted because the start operation failed.",
            Details = { Any.Pack(new Temporalio.Api.Failure.V1.MultiOperationExecutionAborted()) },
        });
        return ServerErrors.Make(startError.StatusCode, "Update-with-start failed: " + startError.Status.Detail, failure);
    }

    private Request CheckUpdateRequest(Request? request)
    {
        Require(request?.Meta?.UpdateId, "Request.Meta.UpdateId");
        Require(request!.Input?.Name, "Request.Input.Name");
        if (request.Meta.UpdateId.Length > 1000) throw ServerErrors.InvalidArgument("UpdateId exceeds the length limit of 1000.");
        CheckPayloads(request.Input!.Args, "Update input");
        return request;
    }

    private static UpdateWorkflowExecutionLifecycleStage WantedStage(WaitPolicy? policy, UpdateWorkflowExecutionLifecycleStage fallback) =>
        policy?.LifecycleStage is { } s and not UpdateWorkflowExecutionLifecycleStage.Unspecified ? s : fallback;

    private static UpdateRef UpdateRef(string workflowId, string runId, string updateId) => new()
    {
        WorkflowExecution = new() { WorkflowId = workflowId, RunId = runId },
        UpdateId = updateId,
    };

    private static RpcException UpdateNotFound(string updateId, Execution e) =>
        ServerErrors.NotFound($"Update '{updateId}' not found in workflow execution '{e.State.WorkflowId}' (run '{e.State.RunId}').");

    /// <summary>Adds the update to the run unless it is already there (a retry), and makes sure a workflow task will carry it.</summary>
    private void AdmitUpdate(Tx tx, Execution e, Request request)
    {
        var id = request.Meta.UpdateId;
        if (e.State.Updates.ContainsKey(id)) return;
        if (!e.IsOpen) throw ServerErrors.AlreadyCompleted();
        if (e.State.Updates.Values.Count(u => u.Stage < UpdateCompleted) >= MaxInFlightUpdates)
            throw ServerErrors.Make(StatusCode.ResourceExhausted,
                $"Workflow execution '{e.State.WorkflowId}' already has {MaxInFlightUpdates} updates in flight; retry once some complete.");
        tx.Touch(e);
        e.State.Updates[id] = new UpdateInfo
        {
            UpdateId = id,
            Stage = UpdateAdmitted,
            Request = request.ToByteArray(),
            Sequence = e.State.Updates.Count + 1,
        };
        EnsureWorkflowTask(tx, e);
    }

    /// <summary>Waits until the update reaches <paramref name="wanted"/> (or completes), or <paramref name="maxWait"/> passes.</summary>
    private async Task<(Outcome? Outcome, UpdateWorkflowExecutionLifecycleStage Stage)> WaitForUpdateAsync(
        string ns, string runId, string updateId, UpdateWorkflowExecutionLifecycleStage wanted, TimeSpan maxWait, CancellationToken ct)
    {
        var until = DateTime.UtcNow + maxWait;
        while (true)
        {
            var (state, changed) = await ReadAsync(() =>
            {
                var e = LoadRun(ns, runId) ?? throw ServerErrors.WorkflowNotFound("", runId);
                if (!e.State.Updates.TryGetValue(updateId, out var u)) throw UpdateNotFound(updateId, e);
                var current = UpdateState(e, u);
                return current.Stage >= wanted || current.Outcome != null ? (current, (Task?)null) : (current, e.ChangedTask);
            }).ConfigureAwait(false);
            if (changed == null) return state;
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return state;
            // Re-check at least every two seconds: a run evicted and reloaded has a new change signal.
            try { await changed.WaitAsync(left < TimeSpan.FromSeconds(2) ? left : TimeSpan.FromSeconds(2), ct).ConfigureAwait(false); }
            catch (TimeoutException) { }
        }
    }

    /// <summary>An update's outcome (if any) and stage, accounting for a run that closed under it.</summary>
    private static (Outcome? Outcome, UpdateWorkflowExecutionLifecycleStage Stage) UpdateState(Execution e, UpdateInfo u)
    {
        if (u.Stage == UpdateCompleted)
        {
            var outcome = u.Rejected
                ? Outcome.Parser.ParseFrom(u.Outcome)
                : e.History[(int)u.CompletedEventId - 1].WorkflowExecutionUpdateCompletedEventAttributes.Outcome;
            return (outcome, UpdateWorkflowExecutionLifecycleStage.Completed);
        }
        if (!e.IsOpen)
        {
            if (u.Stage == UpdateAccepted)
                return (new Outcome
                {
                    Failure = new Temporalio.Api.Failure.V1.Failure
                    {
                        Message = "The workflow update failed because the workflow closed before the update completed.",
                        Source = "Kubiya.Server",
                        ApplicationFailureInfo = new() { Type = "AcceptedUpdateCompletedWorkflow", NonRetryable = true },
                    },
                }, UpdateWorkflowExecutionLifecycleStage.Completed);
            throw ServerErrors.AlreadyCompleted();
        }
        return (null, (UpdateWorkflowExecutionLifecycleStage)u.Stage);
    }

    // ---- worker side ----

    /// <summary>Adds every admitted update's request to a workflow task being handed to a worker.</summary>
    private static void AttachUpdateRequests(Execution e, PollWorkflowTaskQueueResponse resp, long startedEventId)
    {
        foreach (var u in e.State.Updates.Values.Where(u => u.Stage == UpdateAdmitted).OrderBy(u => u.Sequence))
        {
            u.DeliveredInTask = startedEventId;
            resp.Messages.Add(new Message
            {
                Id = u.UpdateId + "/request",
                ProtocolInstanceId = u.UpdateId,
                // Applied after all events up to (not including) WorkflowTaskStarted, as Temporal sequences it.
                EventId = startedEventId - 1,
                Body = Any.Pack(Request.Parser.ParseFrom(u.Request)),
            });
        }
    }

    /// <summary>Updates admitted after the task in flight started: the workflow has not seen them, so it may not close yet.</summary>
    private static bool HasUndeliveredUpdates(Execution e, long startedEventId) =>
        e.State.Updates.Values.Any(u => u.Stage == UpdateAdmitted && u.DeliveredInTask != startedEventId);

    /// <summary>Why the protocol messages of a completion are malformed, or null.</summary>
    private static string? ProtocolProblem(RespondWorkflowTaskCompletedRequest r)
    {
        var ids = new HashSet<string>();
        foreach (var m in r.Messages)
        {
            if (!ids.Add(m.Id)) return $"Protocol message id '{m.Id}' is used twice.";
            if (m.Body == null || !(m.Body.Is(Acceptance.Descriptor) || m.Body.Is(Rejection.Descriptor) || m.Body.Is(Response.Descriptor)))
                return $"Protocol message '{m.Id}' has an unsupported body {m.Body?.TypeUrl}.";
            if (string.IsNullOrEmpty(m.ProtocolInstanceId)) return $"Protocol message '{m.Id}' has no protocol instance id.";
        }
        foreach (var c in r.Commands)
            if (c.CommandType == Temporalio.Api.Enums.V1.CommandType.ProtocolMessage
                && !ids.Contains(c.ProtocolMessageCommandAttributes?.MessageId ?? ""))
                return $"ProtocolMessage command refers to message '{c.ProtocolMessageCommandAttributes?.MessageId}', which the completion does not carry.";
        return null;
    }

    /// <summary>The protocol messages of one workflow task completion, consumed in command order.</summary>
    private sealed class CompletionMessages(RespondWorkflowTaskCompletedRequest r)
    {
        public readonly List<Message> Unprocessed = r.Messages.ToList();

        public Message? Take(string id)
        {
            var i = Unprocessed.FindIndex(m => m.Id == id);
            if (i < 0) return null;
            var m = Unprocessed[i];
            Unprocessed.RemoveAt(i);
            return m;
        }
    }

    /// <summary>A ProtocolMessage command: applies the message it names at this point of the command sequence.</summary>
    private void ApplyProtocolMessageCommand(Tx tx, Execution e, CompletionMessages messages, Temporalio.Api.Command.V1.Command c)
    {
        if (messages.Take(c.ProtocolMessageCommandAttributes.MessageId) is { } m) ApplyUpdateMessage(tx, e, m);
    }

    /// <summary>
    /// After the commands: applies messages no command sequenced (rejections), rejects
    /// requests the worker was given but did not answer, and tells whether updates that
    /// arrived meanwhile need a new workflow task.
    /// </summary>
    private bool FinishUpdateMessages(Tx tx, Execution e, CompletionMessages messages, long startedEventId)
    {
        foreach (var m in messages.Unprocessed) ApplyUpdateMessage(tx, e, m);
        messages.Unprocessed.Clear();
        if (!e.IsOpen) return false;
        foreach (var u in e.State.Updates.Values.Where(u => u.Stage == UpdateAdmitted && u.DeliveredInTask == startedEventId))
            Reject(tx, u, new Temporalio.Api.Failure.V1.Failure
            {
                Message = $"Update '{u.UpdateId}' was delivered to the worker, but the workflow task completed without accepting or rejecting it.",
                Source = "Kubiya.Server",
                ApplicationFailureInfo = new() { Type = "UpdateNotProcessed", NonRetryable = true },
            }, e);
        return e.State.Updates.Values.Any(u => u.Stage == UpdateAdmitted);
    }

    private void ApplyUpdateMessage(Tx tx, Execution e, Message m)
    {
        if (!e.IsOpen || !e.State.Updates.TryGetValue(m.ProtocolInstanceId, out var u)) return;
        if (m.Body.TryUnpack(out Acceptance acceptance))
        {
            if (u.Stage != UpdateAdmitted) return;
            var ev = NewEvent(EventType.WorkflowExecutionUpdateAccepted);
            ev.WorkflowExecutionUpdateAcceptedEventAttributes = new()
            {
                ProtocolInstanceId = u.UpdateId,
                AcceptedRequestMessageId = acceptance.AcceptedRequestMessageId,
                AcceptedRequestSequencingEventId = acceptance.AcceptedRequestSequencingEventId,
                AcceptedRequest = Request.Parser.ParseFrom(u.Request),
            };
            u.AcceptedEventId = Append(tx, e, ev);
            u.Stage = UpdateAccepted;
            u.Request = null;
        }
        else if (m.Body.TryUnpack(out Rejection rejection))
        {
            if (u.Stage == UpdateAdmitted) Reject(tx, u, rejection.Failure, e);
        }
        else if (m.Body.TryUnpack(out Response response))
        {
            if (u.Stage != UpdateAccepted) return;
            var ev = NewEvent(EventType.WorkflowExecutionUpdateCompleted);
            ev.WorkflowExecutionUpdateCompletedEventAttributes = new()
            {
                Meta = response.Meta,
                AcceptedEventId = u.AcceptedEventId,
                Outcome = response.Outcome,
            };
            u.CompletedEventId = Append(tx, e, ev);
            u.Stage = UpdateCompleted;
        }
    }

    private static void Reject(Tx tx, UpdateInfo u, Temporalio.Api.Failure.V1.Failure? failure, Execution e)
    {
        tx.Touch(e);
        u.Stage = UpdateCompleted;
        u.Rejected = true;
        u.Request = null;
        u.Outcome = new Outcome { Failure = failure ?? new Temporalio.Api.Failure.V1.Failure { Message = "Update rejected." } }.ToByteArray();
    }
}
