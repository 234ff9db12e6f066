using Kubiya.Server.Storage;
using Grpc.Core;
using Temporalio.Api.Activity.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine.Standalone;

/// <summary>
/// Cancel, terminate and delete. A cancel reaches a running attempt through its heartbeat
/// response (the worker then reports it canceled); an attempt not yet started is canceled at
/// once. A retried request (same request id) succeeds again; another one on an execution
/// already being canceled or terminated fails its precondition, as in Temporal.
/// </summary>
public sealed partial class StandaloneActivityService
{
    private static void CheckLengths(string requestId, string reason)
    {
        if (requestId.Length > MaxIdLength) throw ServerErrors.InvalidArgument($"RequestId exceeds length limit of {MaxIdLength}.");
        if (reason.Length > MaxIdLength) throw ServerErrors.InvalidArgument($"Reason exceeds length limit of {MaxIdLength}.");
    }

    private static RpcException Precondition(string message) => ServerErrors.Make(StatusCode.FailedPrecondition, message);

    public Task<RequestCancelActivityExecutionResponse> RequestCancelAsync(RequestCancelActivityExecutionRequest r)
    {
        CheckLengths(r.RequestId, r.Reason);
        return MutateAsync(c =>
        {
            var sa = Find(r.Namespace, r.ActivityId, r.RunId);
            var rec = sa.Record;
            if (rec.CancelRequestId.Length > 0 || sa.Attempt.CancelRequested)
            {
                if (r.RequestId.Length > 0 && r.RequestId == rec.CancelRequestId) return new RequestCancelActivityExecutionResponse();
                throw Precondition("Cancellation of this activity execution was already requested.");
            }
            if (!rec.IsOpen) throw Precondition("Activity execution already closed.");
            Touch(c, sa);
            rec.CancelRequestId = string.IsNullOrEmpty(r.RequestId) ? Guid.NewGuid().ToString() : r.RequestId;
            rec.CancelReason = r.Reason;
            sa.Attempt.CancelRequested = true;
            // Not running anywhere: nothing to tell, so it is canceled now.
            if (!sa.Attempt.Started)
                Close(sa, ActivityExecutionStatus.Canceled, new ActivityExecutionOutcome { Failure = CanceledFailure(sa, null) }, RetryState.CancelRequested);
            return new RequestCancelActivityExecutionResponse();
        });
    }

    public Task<TerminateActivityExecutionResponse> TerminateAsync(TerminateActivityExecutionRequest r)
    {
        CheckLengths(r.RequestId, r.Reason);
        return MutateAsync(c =>
        {
            var sa = Find(r.Namespace, r.ActivityId, r.RunId);
            var rec = sa.Record;
            if (!rec.IsOpen)
            {
                if (rec.Status == (int)ActivityExecutionStatus.Terminated && r.RequestId.Length > 0 && r.RequestId == rec.TerminateRequestId)
                    return new TerminateActivityExecutionResponse();
                throw Precondition("Activity execution already closed.");
            }
            Touch(c, sa);
            rec.TerminateRequestId = r.RequestId;
            var failure = new Failure
            {
                Message = string.IsNullOrEmpty(r.Reason) ? "Activity execution terminated" : r.Reason,
                TerminatedFailureInfo = new(),
            };
            Close(sa, ActivityExecutionStatus.Terminated, new ActivityExecutionOutcome { Failure = failure }, RetryState.NonRetryableFailure);
            return new TerminateActivityExecutionResponse();
        });
    }

    /// <summary>Removes an execution (a running one is terminated first); its id may then be used again.</summary>
    public Task<DeleteActivityExecutionResponse> DeleteAsync(DeleteActivityExecutionRequest r) => MutateAsync(c =>
    {
        var sa = Find(r.Namespace, r.ActivityId, r.RunId);
        var rec = sa.Record;
        if (rec.IsOpen)
            Close(sa, ActivityExecutionStatus.Terminated,
                new ActivityExecutionOutcome { Failure = new Failure { Message = "Activity execution deleted", TerminatedFailureInfo = new() } },
                RetryState.NonRetryableFailure);
        cache.Remove((rec.Namespace, rec.RunId));
        c.Tx.Writes.Add(store => ActivityExecutionStore.Delete(store, rec.Namespace, rec.ActivityId, rec.RunId));
        // Anyone long-polling it hears now; their next call finds it gone.
        c.Tx.AfterCommit.Add(sa.NotifyChanged);
        return new DeleteActivityExecutionResponse();
    });
}
