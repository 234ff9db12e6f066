using Grpc.Core;
using Kubiya.Server.Engine;
using Kubiya.Server.Visibility;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>Visibility RPCs: list, scan and count with the query language, legacy listings, search attribute keys.</summary>
public sealed partial class WorkflowServiceHandler
{
    private readonly VisibilityService? visibility;

    /// <summary>Chosen by dependency injection when visibility is registered (it is the longer constructor).</summary>
    public WorkflowServiceHandler(WorkflowEngine engine, VisibilityService visibility) : this(engine) => this.visibility = visibility;

    private VisibilityService Visibility =>
        visibility ?? throw new RpcException(new Status(StatusCode.Unimplemented, "Visibility is not enabled on this server."));

    public Task<ListWorkflowExecutionsResponse> ListWorkflowExecutions(ListWorkflowExecutionsRequest r, ServerCallContext ctx) =>
        Task.FromResult(Visibility.List(r));

    public Task<ScanWorkflowExecutionsResponse> ScanWorkflowExecutions(ScanWorkflowExecutionsRequest r, ServerCallContext ctx) =>
        Task.FromResult(Visibility.Scan(r));

    public Task<CountWorkflowExecutionsResponse> CountWorkflowExecutions(CountWorkflowExecutionsRequest r, ServerCallContext ctx) =>
        Task.FromResult(Visibility.Count(r));

    public Task<ListOpenWorkflowExecutionsResponse> ListOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest r, ServerCallContext ctx) =>
        Task.FromResult(Visibility.ListOpen(r));

    public Task<ListClosedWorkflowExecutionsResponse> ListClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest r, ServerCallContext ctx) =>
        Task.FromResult(Visibility.ListClosed(r));

    public Task<GetSearchAttributesResponse> GetSearchAttributes(GetSearchAttributesRequest r, ServerCallContext ctx)
    {
        var (system, custom) = Visibility.Attributes("default");
        var resp = new GetSearchAttributesResponse();
        foreach (var (name, type) in system) resp.Keys[name] = type;
        foreach (var (name, type) in custom) resp.Keys[name] = type;
        return Task.FromResult(resp);
    }
}
