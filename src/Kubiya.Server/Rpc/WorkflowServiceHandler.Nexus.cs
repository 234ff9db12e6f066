using Grpc.Core;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>Nexus task RPCs of a handler worker.</summary>
public sealed partial class WorkflowServiceHandler
{
    public Task<PollNexusTaskQueueResponse> PollNexusTaskQueue(PollNexusTaskQueueRequest r, ServerCallContext ctx) =>
        engine.PollNexusTaskAsync(r, PollWait(ctx), ctx.CancellationToken);

    public Task<RespondNexusTaskCompletedResponse> RespondNexusTaskCompleted(RespondNexusTaskCompletedRequest r, ServerCallContext ctx) =>
        engine.CompleteNexusTaskAsync(r);

    public Task<RespondNexusTaskFailedResponse> RespondNexusTaskFailed(RespondNexusTaskFailedRequest r, ServerCallContext ctx) =>
        engine.FailNexusTaskAsync(r);
}
