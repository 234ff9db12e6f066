using Grpc.Core;
using Kubiya.Server.Engine.Nexus;
using Kubiya.Server.Storage;
using Temporalio.Api.Nexus.V1;
using Endpoint = Temporalio.Api.Nexus.V1.Endpoint;
using Temporalio.Api.OperatorService.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// OperatorService Nexus endpoint administration. Endpoints are durable (SQLite) and versioned:
/// an update or delete naming an older version fails, so two admins never overwrite each other.
/// </summary>
public sealed partial class WorkflowEngine
{
    private NexusEndpointRegistry? nexusEndpoints;

    /// <summary>The endpoint registry, loaded on first use (only under the engine lock).</summary>
    internal NexusEndpointRegistry NexusEndpoints => nexusEndpoints ??= NexusEndpointRegistry.Load(store);

    private const int DefaultEndpointPageSize = 100;

    public Task<CreateNexusEndpointResponse> CreateNexusEndpointAsync(CreateNexusEndpointRequest r) =>
        MutateAsync(tx =>
        {
            if (NexusEndpointRegistry.SpecProblem(r.Spec, Namespaces.Exists) is { } problem) throw ServerErrors.InvalidArgument(problem);
            if (NexusEndpoints.ByName(r.Spec.Name) != null)
                throw ServerErrors.Make(StatusCode.AlreadyExists, $"Nexus endpoint with name '{r.Spec.Name}' already exists.");
            var now = Clock.Ts(Clock.NowMs());
            var ep = new Endpoint
            {
                Id = Guid.NewGuid().ToString(),
                Version = 1,
                Spec = r.Spec.Clone(),
                CreatedTime = now,
                LastModifiedTime = now,
            };
            ep.UrlPrefix = UrlPrefix(ep.Id);
            SaveEndpoint(tx, ep);
            return new CreateNexusEndpointResponse { Endpoint = ep };
        });

    public Task<UpdateNexusEndpointResponse> UpdateNexusEndpointAsync(UpdateNexusEndpointRequest r) =>
        MutateAsync(tx =>
        {
            Require(r.Id, "Id");
            var current = NexusEndpoints.ById(r.Id) ?? throw EndpointNotFound(r.Id);
            if (r.Version != current.Version)
                throw ServerErrors.Make(StatusCode.FailedPrecondition,
                    $"Nexus endpoint '{current.Spec.Name}' was changed meanwhile: version {r.Version} was given, the current version is {current.Version}.");
            if (NexusEndpointRegistry.SpecProblem(r.Spec, Namespaces.Exists) is { } problem) throw ServerErrors.InvalidArgument(problem);
            if (NexusEndpoints.ByName(r.Spec.Name) is { } other && other.Id != current.Id)
                throw ServerErrors.Make(StatusCode.AlreadyExists, $"Nexus endpoint with name '{r.Spec.Name}' already exists.");
            var ep = current.Clone();
            ep.Spec = r.Spec.Clone();
            ep.Version = current.Version + 1;
            ep.LastModifiedTime = Clock.Ts(Clock.NowMs());
            SaveEndpoint(tx, ep);
            return new UpdateNexusEndpointResponse { Endpoint = ep };
        });

    public Task<DeleteNexusEndpointResponse> DeleteNexusEndpointAsync(DeleteNexusEndpointRequest r) =>
        MutateAsync(tx =>
        {
            Require(r.Id, "Id");
            var current = NexusEndpoints.ById(r.Id) ?? throw EndpointNotFound(r.Id);
            if (r.Version != 0 && r.Version != current.Version)
                throw ServerErrors.Make(StatusCode.FailedPrecondition,
                    $"Nexus endpoint '{current.Spec.Name}' was changed meanwhile: version {r.Version} was given, the current version is {current.Version}.");
            // Published at once, so later transitions of the same commit batch see the name free.
            NexusEndpoints.Unpublish(current.Id);
            tx.Writes.Add(s => NexusEndpointStore.Delete(s, current.Id));
            return new DeleteNexusEndpointResponse();
        });

    public Task<GetNexusEndpointResponse> GetNexusEndpointAsync(GetNexusEndpointRequest r) =>
        ReadAsync(() =>
        {
            Require(r.Id, "Id");
            return new GetNexusEndpointResponse { Endpoint = NexusEndpoints.ById(r.Id) ?? throw EndpointNotFound(r.Id) };
        });

    public Task<ListNexusEndpointsResponse> ListNexusEndpointsAsync(ListNexusEndpointsRequest r) =>
        ReadAsync(() =>
        {
            var resp = new ListNexusEndpointsResponse();
            if (!string.IsNullOrEmpty(r.Name))
            {
                // A name filter returns that endpoint or nothing, in one page.
                if (NexusEndpoints.ByName(r.Name) is { } named) resp.Endpoints.Add(named);
                return resp;
            }
            var all = NexusEndpoints.All();
            var start = 0;
            if (!r.NextPageToken.IsEmpty && (!int.TryParse(r.NextPageToken.ToStringUtf8(), out start) || start < 0))
                throw ServerErrors.InvalidArgument("Invalid NextPageToken.");
            var size = r.PageSize > 0 ? r.PageSize : DefaultEndpointPageSize;
            resp.Endpoints.AddRange(all.Skip(start).Take(size));
            if (start + size < all.Count) resp.NextPageToken = Google.Protobuf.ByteString.CopyFromUtf8((start + size).ToString());
            return resp;
        });

    /// <summary>Published at once, so later transitions of the same commit batch see it (names stay unique).</summary>
    private void SaveEndpoint(Tx tx, Endpoint ep)
    {
        NexusEndpoints.Publish(ep);
        tx.Writes.Add(s => NexusEndpointStore.Save(s, ep));
    }

    private static string UrlPrefix(string id) => $"/nexus/endpoints/{id}/services";

    private static RpcException EndpointNotFound(string id) => ServerErrors.NotFound($"Nexus endpoint with id '{id}' not found.");
}
