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

    public Task<DeleteActivityExecutionResponse> DeleteActivityExecution(DeleteActivityExecutionRequest r, ServerCallContext ctx) =>
        Standalone.DeleteAsync(r);
}
