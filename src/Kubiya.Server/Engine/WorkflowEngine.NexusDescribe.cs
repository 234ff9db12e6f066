using Kubiya.Server.Engine.Nexus;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Workflow.V1;
using Temporalio.Api.WorkflowService.V1;
using Failure = Temporalio.Api.Failure.V1.Failure;

namespace Kubiya.Server.Engine;

/// <summary>DescribeWorkflowExecution: pending Nexus operations of a caller, completion callbacks of a handler workflow.</summary>
public sealed partial class WorkflowEngine
{
    private static void DescribeNexus(Execution e, DescribeWorkflowExecutionResponse resp)
    {
        if (e.State.Nexus is not { } nexus) return;
        foreach (var op in nexus.Operations.Values.OrderBy(o => o.ScheduledEventId))
        {
            var p = new PendingNexusOperationInfo
            {
                Endpoint = op.Endpoint,
                Service = op.Service,
                Operation = op.Operation,
                OperationId = op.OperationToken,
                OperationToken = op.OperationToken,
                ScheduledEventId = op.ScheduledEventId,
                ScheduledTime = Clock.Ts(op.ScheduledTimeMs),
                Attempt = op.Attempt,
                State = op.Started ? PendingNexusOperationState.Started
                    : op.NextAttemptMs > Clock.NowMs() ? PendingNexusOperationState.BackingOff : PendingNexusOperationState.Scheduled,
            };
            if (op.ScheduleToCloseMs > 0) p.ScheduleToCloseTimeout = Clock.Dur(op.ScheduleToCloseMs);
            if (op.ScheduleToStartMs > 0) p.ScheduleToStartTimeout = Clock.Dur(op.ScheduleToStartMs);
            if (op.StartToCloseMs > 0) p.StartToCloseTimeout = Clock.Dur(op.StartToCloseMs);
            if (op.LastFailure != null) p.LastAttemptFailure = Failure.Parser.ParseFrom(op.LastFailure);
            if (op.LastAttemptCompleteMs is { } last) p.LastAttemptCompleteTime = Clock.Ts(last);
            if (!op.Started && op.NextAttemptMs > 0) p.NextAttemptScheduleTime = Clock.Ts(op.NextAttemptMs);
            if (op.CancelRequestedEventId > 0)
            {
                p.CancellationInfo = new NexusOperationCancellationInfo
                {
                    RequestedTime = Clock.Ts(op.CancelRequestedMs),
                    Attempt = op.CancelAttempt,
                    State = op.CancelState switch
                    {
                        2 => NexusOperationCancellationState.Succeeded,
                        3 => NexusOperationCancellationState.Failed,
                        _ => op.CancelNextAttemptMs > Clock.NowMs() ? NexusOperationCancellationState.BackingOff : NexusOperationCancellationState.Scheduled,
                    },
                };
                if (op.CancelLastFailure != null) p.CancellationInfo.LastAttemptFailure = Failure.Parser.ParseFrom(op.CancelLastFailure);
            }
            resp.PendingNexusOperations.Add(p);
        }
        foreach (var bytes in nexus.Callbacks)
            resp.Callbacks.Add(new CallbackInfo
            {
                Callback = Callback.Parser.ParseFrom(bytes),
                Trigger = new() { WorkflowClosed = new() },
                RegistrationTime = Clock.Ts(nexus.CallbacksRegisteredMs),
                State = nexus.CallbacksDeliveredMs != null ? CallbackState.Succeeded : CallbackState.Standby,
                Attempt = nexus.CallbacksDeliveredMs != null ? 1 : 0,
                LastAttemptCompleteTime = nexus.CallbacksDeliveredMs is { } done ? Clock.Ts(done) : null,
            });
    }
}
