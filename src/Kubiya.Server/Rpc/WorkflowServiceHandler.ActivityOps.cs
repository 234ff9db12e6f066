using Grpc.Core;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>Activity operations (pause, unpause, reset, update options) of workflow activities.</summary>
public sealed partial class WorkflowServiceHandler
{
    public Task<PauseActivityResponse> PauseActivity(PauseActivityRequest r, ServerCallContext ctx) => engine.PauseActivityAsync(r);

    public Task<UnpauseActivityResponse> UnpauseActivity(UnpauseActivityRequest r, ServerCallContext ctx) => engine.UnpauseActivityAsync(r);

    public Task<ResetActivityResponse> ResetActivity(ResetActivityRequest r, ServerCallContext ctx) => engine.ResetActivityAsync(r);

    public Task<UpdateActivityOptionsResponse> UpdateActivityOptions(UpdateActivityOptionsRequest r, ServerCallContext ctx) => engine.UpdateActivityOptionsAsync(r);
}
