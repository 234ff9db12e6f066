using Grpc.Core;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>Workflow update RPCs; each waits at most one long-poll interval and then reports the stage reached.</summary>
public sealed partial class WorkflowServiceHandler
{
    public Task<UpdateWorkflowExecutionResponse> UpdateWorkflowExecution(UpdateWorkflowExecutionRequest r, ServerCallContext ctx) =>
        engine.UpdateWorkflowAsync(r, PollWait(ctx), ctx.CancellationToken);

    public Task<PollWorkflowExecutionUpdateResponse> PollWorkflowExecutionUpdate(PollWorkflowExecutionUpdateRequest r, ServerCallContext ctx) =>
        engine.PollUpdateAsync(r, PollWait(ctx), ctx.CancellationToken);

    public Task<ExecuteMultiOperationResponse> ExecuteMultiOperation(ExecuteMultiOperationRequest r, ServerCallContext ctx) =>
        engine.ExecuteMultiOperationAsync(r, PollWait(ctx), ctx.CancellationToken);
}
