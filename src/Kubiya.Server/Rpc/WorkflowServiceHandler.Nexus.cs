using Grpc.Core;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>Nexus task RPCs of a handler worker.</summary>
public sealed partial class WorkflowServiceHandler
{
    public async Task<PollNexusTaskQueueResponse> PollNexusTaskQueue(PollNexusTaskQueueRequest r, ServerCallContext ctx)
    {
        // Ends when the worker shuts down too (worker_poll_complete_on_shutdown).
        using var poll = engine.Shutdowns.Track(r.Namespace, r.WorkerInstanceKey, ctx.CancellationToken);
        return await engine.PollNexusTaskAsync(r, PollWait(ctx), poll.Token);
    }

    public Task<RespondNexusTaskCompletedResponse> RespondNexusTaskCompleted(RespondNexusTaskCompletedRequest r, ServerCallContext ctx) =>
        engine.CompleteNexusTaskAsync(r);

    public Task<RespondNexusTaskFailedResponse> RespondNexusTaskFailed(RespondNexusTaskFailedRequest r, ServerCallContext ctx) =>
        engine.FailNexusTaskAsync(r);
}
