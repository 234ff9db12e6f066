using Grpc.Core;
using Temporalio.Api.OperatorService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>OperatorService Nexus endpoint administration.</summary>
public sealed partial class OperatorServiceHandler
{
    public Task<CreateNexusEndpointResponse> CreateNexusEndpoint(CreateNexusEndpointRequest r, ServerCallContext ctx) =>
        engine.CreateNexusEndpointAsync(r);

    public Task<UpdateNexusEndpointResponse> UpdateNexusEndpoint(UpdateNexusEndpointRequest r, ServerCallContext ctx) =>
        engine.UpdateNexusEndpointAsync(r);

    public Task<DeleteNexusEndpointResponse> DeleteNexusEndpoint(DeleteNexusEndpointRequest r, ServerCallContext ctx) =>
        engine.DeleteNexusEndpointAsync(r);

    public Task<GetNexusEndpointResponse> GetNexusEndpoint(GetNexusEndpointRequest r, ServerCallContext ctx) =>
        engine.GetNexusEndpointAsync(r);

    public Task<ListNexusEndpointsResponse> ListNexusEndpoints(ListNexusEndpointsRequest r, ServerCallContext ctx) =>
        engine.ListNexusEndpointsAsync(r);
}
