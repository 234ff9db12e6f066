using Grpc.Core;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>Standalone activity executions (Engine/Standalone).</summary>
public sealed partial class WorkflowServiceHandler
{
    private Engine.Standalone.StandaloneActivityService Standalone =>
        engine.Standalone ?? throw Engine.ServerErrors.Unsupported("Standalone activities are not enabled on this server.");

    public Task<StartActivityExecutionResponse> StartActivityExecution(StartActivityExecutionRequest r, ServerCallContext ctx) =>
        Standalone.StartAsync(r);

    public Task<DescribeActivityExecutionResponse> DescribeActivityExecution(DescribeActivityExecutionRequest r, ServerCallContext ctx) =>
        Standalone.DescribeAsync(r, PollWait(ctx), ctx.CancellationToken);

    public Task<PollActivityExecutionResponse> PollActivityExecution(PollActivityExecutionRequest r, ServerCallContext ctx) =>
        Standalone.PollAsync(r, PollWait(ctx), ctx.CancellationToken);

    public Task<ListActivityExecutionsResponse> ListActivityExecutions(ListActivityExecutionsRequest r, ServerCallContext ctx) =>
        Task.FromResult(Standalone.Visibility.List(r));

    public Task<CountActivityExecutionsResponse> CountActivityExecutions(CountActivityExecutionsRequest r, ServerCallContext ctx) =>
        Task.FromResult(Standalone.Visibility.Count(r));

    public Task<RequestCancelActivityExecutionResponse> RequestCancelActivityExecution(RequestCancelActivityExecutionRequest r, ServerCallContext ctx) =>
        Standalone.RequestCancelAsync(r);

    public Task<TerminateActivityExecutionResponse> TerminateActivityExecution(TerminateActivityExecutionRequest r, ServerCallContext ctx) =>
        Standalone.TerminateAsync(r);

    // The *ActivityExecution operations name a workflow activity when they carry a workflow id,
    // and a standalone activity when they do not.

    public async Task<PauseActivityExecutionResponse> PauseActivityExecution(PauseActivityExecutionRequest r, ServerCallContext ctx)
    {
        if (string.IsNullOrEmpty(r.WorkflowId)) return await Standalone.PauseAsync(r);
        await engine.PauseActivityAsync(new PauseActivityRequest
        {
            Namespace = r.Namespace, Execution = new() { WorkflowId = r.WorkflowId, RunId = r.RunId }, Id = r.ActivityId,
            Identity = r.Identity, Reason = r.Reason, RequestId = r.RequestId,
        });
        return new PauseActivityExecutionResponse();
    }

    public async Task<UnpauseActivityExecutionResponse> UnpauseActivityExecution(UnpauseActivityExecutionRequest r, ServerCallContext ctx)
    {
        if (string.IsNullOrEmpty(r.WorkflowId)) return await Standalone.UnpauseAsync(r);
        await engine.UnpauseActivityAsync(new UnpauseActivityRequest
        {
            Namespace = r.Namespace, Execution = new() { WorkflowId = r.WorkflowId, RunId = r.RunId }, Id = r.ActivityId,
            Identity = r.Identity, Jitter = r.Jitter,
        });
        return new UnpauseActivityExecutionResponse();
    }

    public async Task<ResetActivityExecutionResponse> ResetActivityExecution(ResetActivityExecutionRequest r, ServerCallContext ctx)
    {
        if (string.IsNullOrEmpty(r.WorkflowId)) return await Standalone.ResetAsync(r);
        await engine.ResetActivityAsync(new ResetActivityRequest
        {
            Namespace = r.Namespace, Execution = new() { WorkflowId = r.WorkflowId, RunId = r.RunId }, Id = r.ActivityId,
            Identity = r.Identity, KeepPaused = r.KeepPaused, Jitter = r.Jitter, RestoreOriginalOptions = r.RestoreOriginalOptions,
            ResetHeartbeat = r.ResetHeartbeat,
        });
        return new ResetActivityExecutionResponse();
    }

    public async Task<UpdateActivityExecutionOptionsResponse> UpdateActivityExecutionOptions(UpdateActivityExecutionOptionsRequest r, ServerCallContext ctx)
    {
        if (string.IsNullOrEmpty(r.WorkflowId)) return await Standalone.UpdateOptionsAsync(r);
        var updated = await engine.UpdateActivityOptionsAsync(new UpdateActivityOptionsRequest
        {
            Namespace = r.Namespace, Execution = new() { WorkflowId = r.WorkflowId, RunId = r.RunId }, Id = r.ActivityId,
            Identity = r.Identity, ActivityOptions = r.ActivityOptions, UpdateMask = r.UpdateMask, RestoreOriginal = r.RestoreOriginal,
        });
        return new UpdateActivityExecutionOptionsResponse { ActivityOptions = updated.ActivityOptions };
    }

    public Task<DeleteActivityExecutionResponse> DeleteActivityExecution(DeleteActivityExecutionRequest r, ServerCallContext ctx) =>
        Standalone.DeleteAsync(r);
}
