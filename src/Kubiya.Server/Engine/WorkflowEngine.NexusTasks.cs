using System.Text.Json;
using Google.Protobuf;
using Kubiya.Server.Engine.Nexus;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Nexus.V1;
using Link = Temporalio.Api.Common.V1.Link;
using Temporalio.Api.WorkflowService.V1;
using Failure = Temporalio.Api.Failure.V1.Failure;

namespace Kubiya.Server.Engine;

/// <summary>
/// Nexus tasks: PollNexusTaskQueue hands a handler worker the start or cancel request of an
/// operation; RespondNexusTaskCompleted / Failed bring its answer back to the caller run. The
/// callback the server offers is internal (temporal://system): a handler workflow's completion
/// comes back in the same transaction that closes it (WorkflowEngine.NexusCallbacks.cs).
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>The callback URL Temporal reserves for completions it routes itself.</summary>
    public const string NexusSystemCallbackUrl = "temporal://system";

    public async Task<PollNexusTaskQueueResponse> PollNexusTaskAsync(PollNexusTaskQueueRequest r, TimeSpan maxWait, CancellationToken ct) =>
        await PollLoopAsync(r.Namespace, r.TaskQueue?.Name, NexusQueue, r.Identity, maxWait, ct,
            task => MutateAsync(tx => StartNexusTask(tx, task))).ConfigureAwait(false)
        ?? new PollNexusTaskQueueResponse();

    /// <summary>Validates a queued request against its operation and marks it taken; null when stale.</summary>
    private PollNexusTaskQueueResponse? StartNexusTask(Tx tx, TaskRef t)
    {
        var callerNs = t.QueryId ?? "";
        var e = LoadRun(callerNs, t.RunId);
        if (e == null || !e.IsOpen || PendingNexus(e, t.ScheduledEventId) is not { } op) return null;
        var now = Clock.NowMs();
        var request = new Request
        {
            ScheduledTime = Clock.Ts(now),
            Endpoint = op.Endpoint,
            Capabilities = new() { TemporalFailureResponses = true },
        };
        foreach (var (k, v) in op.Headers) request.Header[k.ToLowerInvariant()] = v;
        if (t.Kind == NexusStartTask)
        {
            if (op.Started || op.Attempt != t.Attempt || op.TaskStartedMs != 0) return null;
            op.TaskStartedMs = now;
            var start = new StartOperationRequest
            {
                Service = op.Service,
                Operation = op.Operation,
                RequestId = op.RequestId,
                Callback = NexusSystemCallbackUrl,
                Payload = op.Input == null ? null : Payload.Parser.ParseFrom(op.Input),
            };
            start.CallbackHeader[NexusCallbackToken.Header] =
                new NexusCallbackToken(callerNs, e.State.WorkflowId, e.State.RunId, op.ScheduledEventId, op.RequestId).Encode();
            start.Links.Add(NexusLinks.ToNexus(callerNs, e.State.WorkflowId, e.State.RunId, op.ScheduledEventId, EventType.NexusOperationScheduled));
            request.StartOperation = start;
        }
        else
        {
            if (op.CancelState != 1 || op.CancelAttempt != t.Attempt || op.CancelTaskStartedMs != 0) return null;
            op.CancelTaskStartedMs = now;
            request.CancelOperation = new CancelOperationRequest
            {
                Service = op.Service,
                Operation = op.Operation,
                OperationToken = op.OperationToken,
                OperationId = op.OperationToken,
            };
        }
        tx.Touch(e);
        return new PollNexusTaskQueueResponse
        {
            TaskToken = new TaskToken(t.Kind, callerNs, e.State.WorkflowId, e.State.RunId, op.ScheduledEventId, t.Attempt).ToByteString(),
            Request = request,
        };
    }

    /// <summary>The operation a Nexus task token names, or null when it has closed (a late answer is then ignored).</summary>
    private (Execution Run, NexusOperationInfo Op)? NexusTaskOf(TaskToken token)
    {
        Namespaces.Get(token.Namespace);
        var e = LoadRun(token.Namespace, token.RunId);
        if (e == null || !e.IsOpen || PendingNexus(e, token.ScheduledEventId) is not { } op) return null;
        return (e, op);
    }

    private static TaskToken ParseNexusToken(ByteString bytes)
    {
        if (bytes == null || bytes.IsEmpty) throw ServerErrors.InvalidArgument("Task token is not set.");
        TaskToken? t;
        try { t = JsonSerializer.Deserialize<TaskToken>(bytes.Span); }
        catch (Exception) { throw ServerErrors.InvalidArgument("Task token is malformed."); }
        if (t == null || (t.Kind != NexusStartTask && t.Kind != NexusCancelTask) || string.IsNullOrEmpty(t.RunId))
            throw ServerErrors.InvalidArgument("Task token is malformed or not a Nexus task token.");
        return t;
    }

    /// <summary>RespondNexusTaskCompleted: a sync result, an async start, an operation error, or a delivered cancel.</summary>
    public Task<RespondNexusTaskCompletedResponse> CompleteNexusTaskAsync(RespondNexusTaskCompletedRequest r)
    {
        var token = ParseNexusToken(r.TaskToken);
        if (token.Kind == NexusStartTask && r.Response?.StartOperation == null)
            throw ServerErrors.InvalidArgument("The response to a Nexus start request must be a start operation response.");
        if (r.Response?.StartOperation?.SyncSuccess?.Payload is { } syncPayload) CheckPayload(syncPayload, "Nexus operation result");
        return MutateAsync(tx =>
        {
            if (NexusTaskOf(token) is not { } found) return new RespondNexusTaskCompletedResponse();
            var (e, op) = found;
            if (token.Kind == NexusCancelTask)
            {
                if (op.CancelState != 1) return new RespondNexusTaskCompletedResponse();
                tx.Touch(e);
                op.CancelState = 2;
                var ev = NewEvent(EventType.NexusOperationCancelRequestCompleted);
                ev.NexusOperationCancelRequestCompletedEventAttributes = new()
                {
                    RequestedEventId = op.CancelRequestedEventId,
                    ScheduledEventId = op.ScheduledEventId,
                };
                AppendNews(tx, e, ev);
                return new RespondNexusTaskCompletedResponse();
            }
            // Any attempt's answer counts while the operation has not started: a late answer is still the truth.
            if (op.Started) return new RespondNexusTaskCompletedResponse();
            var resp = r.Response!.StartOperation;
            switch (resp.VariantCase)
            {
                case StartOperationResponse.VariantOneofCase.SyncSuccess:
                    AppendNexusOutcome(tx, e, op, EventType.NexusOperationCompleted, null, resp.SyncSuccess.Payload,
                        resp.SyncSuccess.Links.Select(NexusLinks.FromNexus).OfType<Link>());
                    break;
                case StartOperationResponse.VariantOneofCase.AsyncSuccess:
                    var opToken = !string.IsNullOrEmpty(resp.AsyncSuccess.OperationToken) ? resp.AsyncSuccess.OperationToken : resp.AsyncSuccess.OperationId;
                    MarkNexusStarted(tx, e, op, opToken, resp.AsyncSuccess.Links.Select(NexusLinks.FromNexus).OfType<Link>());
                    break;
                case StartOperationResponse.VariantOneofCase.OperationError:
                    var cause = NexusFailures.FromNexus(resp.OperationError.Failure);
                    if (resp.OperationError.OperationState == "canceled")
                    {
                        if (cause.CanceledFailureInfo == null) cause = new Failure { Message = cause.Message, CanceledFailureInfo = new(), Cause = cause.Cause };
                        AppendNexusOutcome(tx, e, op, EventType.NexusOperationCanceled, NexusFailures.Wrap(op, cause));
                    }
                    else AppendNexusOutcome(tx, e, op, EventType.NexusOperationFailed, NexusFailures.Wrap(op, cause));
                    break;
                case StartOperationResponse.VariantOneofCase.Failure:
                    AppendNexusOutcome(tx, e, op,
                        resp.Failure.CanceledFailureInfo != null ? EventType.NexusOperationCanceled : EventType.NexusOperationFailed,
                        NexusFailures.Wrap(op, resp.Failure));
                    break;
                default:
                    throw ServerErrors.InvalidArgument("The Nexus start operation response has no outcome.");
            }
            return new RespondNexusTaskCompletedResponse();
        });
    }

    /// <summary>RespondNexusTaskFailed: the handler could not process the request; retried unless the error says retrying cannot help.</summary>
    public Task<RespondNexusTaskFailedResponse> FailNexusTaskAsync(RespondNexusTaskFailedRequest r)
    {
        var token = ParseNexusToken(r.TaskToken);
        var handlerFailure = HandlerFailureOf(r);
        var info = handlerFailure.NexusHandlerFailureInfo;
        var retryable = NexusFailures.IsRetryable(info.Type, info.RetryBehavior);
        return MutateAsync(tx =>
        {
            if (NexusTaskOf(token) is not { } found) return new RespondNexusTaskFailedResponse();
            var (e, op) = found;
            if (token.Kind == NexusCancelTask)
            {
                if (op.CancelState != 1 || op.CancelAttempt != token.Attempt) return new RespondNexusTaskFailedResponse();
                if (retryable) { RetryNexusCancel(tx, e, op, handlerFailure); return new RespondNexusTaskFailedResponse(); }
                tx.Touch(e);
                op.CancelState = 3;
                var ev = NewEvent(EventType.NexusOperationCancelRequestFailed);
                ev.NexusOperationCancelRequestFailedEventAttributes = new()
                {
                    RequestedEventId = op.CancelRequestedEventId,
                    ScheduledEventId = op.ScheduledEventId,
                    Failure = handlerFailure,
                };
                AppendNews(tx, e, ev);
                return new RespondNexusTaskFailedResponse();
            }
            if (op.Started || op.Attempt != token.Attempt) return new RespondNexusTaskFailedResponse();
            if (retryable) RetryNexusStart(tx, e, op, handlerFailure);
            else AppendNexusOutcome(tx, e, op, EventType.NexusOperationFailed, NexusFailures.Wrap(op, handlerFailure));
            return new RespondNexusTaskFailedResponse();
        });
    }

    /// <summary>The handler error as a Temporal failure carrying NexusHandlerFailureInfo (type and retry behaviour).</summary>
    private static Failure HandlerFailureOf(RespondNexusTaskFailedRequest r)
    {
        var type = r.Error?.ErrorType ?? "";
        var behavior = r.Error?.RetryBehavior ?? NexusHandlerErrorRetryBehavior.Unspecified;
        if (r.Failure is { } f)
        {
            if (f.NexusHandlerFailureInfo != null) return f;
            if (string.IsNullOrEmpty(type)) type = "INTERNAL";
            return new Failure
            {
                Message = f.Message,
                StackTrace = f.StackTrace,
                NexusHandlerFailureInfo = new() { Type = type, RetryBehavior = behavior },
                Cause = f.Cause,
            };
        }
        if (string.IsNullOrEmpty(type)) type = "INTERNAL";
        var converted = NexusFailures.FromNexus(r.Error?.Failure);
        if (converted.NexusHandlerFailureInfo != null) return converted;
        return new Failure
        {
            Message = string.IsNullOrEmpty(converted.Message) ? $"handler error ({type})" : converted.Message,
            StackTrace = converted.StackTrace,
            NexusHandlerFailureInfo = new() { Type = type, RetryBehavior = behavior },
            Cause = converted.Cause,
        };
    }
}
