using Grpc.Core;
using Kubiya.Server.Engine;
using Kubiya.Server.Visibility;
using Temporalio.Api.OperatorService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>OperatorService search attribute administration.</summary>
public sealed partial class OperatorServiceHandler
{
    private readonly VisibilityService? visibility;

    /// <summary>Chosen by dependency injection when visibility is registered (it is the longer constructor).</summary>
    public OperatorServiceHandler(WorkflowEngine engine, VisibilityService visibility) : this(engine) => this.visibility = visibility;

    private VisibilityService Visibility =>
        visibility ?? throw new RpcException(new Status(StatusCode.Unimplemented, "Visibility is not enabled on this server."));

    public async Task<AddSearchAttributesResponse> AddSearchAttributes(AddSearchAttributesRequest r, ServerCallContext ctx)
    {
        await Visibility.AddSearchAttributesAsync(r.Namespace, r.SearchAttributes).ConfigureAwait(false);
        return new AddSearchAttributesResponse();
    }

    public async Task<RemoveSearchAttributesResponse> RemoveSearchAttributes(RemoveSearchAttributesRequest r, ServerCallContext ctx)
    {
        await Visibility.RemoveSearchAttributesAsync(r.Namespace, r.SearchAttributes.ToList()).ConfigureAwait(false);
        return new RemoveSearchAttributesResponse();
    }

    public Task<ListSearchAttributesResponse> ListSearchAttributes(ListSearchAttributesRequest r, ServerCallContext ctx)
    {
        var (system, custom) = Visibility.Attributes(r.Namespace);
        var resp = new ListSearchAttributesResponse();
        foreach (var (name, type) in system) resp.SystemAttributes[name] = type;
        foreach (var (name, type) in custom) resp.CustomAttributes[name] = type;
        return Task.FromResult(resp);
    }
}
