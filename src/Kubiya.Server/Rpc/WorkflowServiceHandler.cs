using Grpc.Core;
using Kubiya.Server.Engine;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>
/// temporal.api.workflowservice.v1.WorkflowService: one thin method per RPC, bound by name
/// by <see cref="ServiceMethodBinder{THandler}"/>. Anything not here answers Unimplemented.
/// </summary>
public sealed partial class WorkflowServiceHandler
{
    private readonly WorkflowEngine engine;

    public WorkflowServiceHandler(WorkflowEngine engine) => this.engine = engine;

    /// <summary>How long a long poll may wait: the engine limit, cut short by the caller's deadline.</summary>
    private TimeSpan PollWait(ServerCallContext ctx)
    {
        var max = engine.Limits.LongPollTimeout;
        if (ctx.Deadline != DateTime.MaxValue)
        {
            var left = ctx.Deadline.ToUniversalTime() - DateTime.UtcNow - TimeSpan.FromSeconds(1);
            if (left < max) max = left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
        return max;
    }

    public Task<GetSystemInfoResponse> GetSystemInfo(GetSystemInfoRequest r, ServerCallContext ctx) =>
        Task.FromResult(new GetSystemInfoResponse
        {
            ServerVersion = ServerInfo.TemporalApiVersion,
            Capabilities = ServerCapabilities.System(),
        });

    public Task<GetClusterInfoResponse> GetClusterInfo(GetClusterInfoRequest r, ServerCallContext ctx) =>
        Task.FromResult(new GetClusterInfoResponse
        {
            ClusterName = "kubiya",
            ClusterId = "kubiya-embedded",
            ServerVersion = ServerInfo.TemporalApiVersion,
            HistoryShardCount = 1,
            PersistenceStore = "sqlite",
            VisibilityStore = "sqlite",
        });

    public Task<DescribeNamespaceResponse> DescribeNamespace(DescribeNamespaceRequest r, ServerCallContext ctx)
    {
        var ns = !string.IsNullOrEmpty(r.Namespace) ? engine.Namespaces.Get(r.Namespace)
            : engine.Namespaces.All.FirstOrDefault(n => n.Id == r.Id) ?? throw ServerErrors.NamespaceNotFound(r.Id);
        return Task.FromResult(NamespaceResponse(ns));
    }

    private static DescribeNamespaceResponse NamespaceResponse(NamespaceEntry ns) => new()
    {
        NamespaceInfo = new()
        {
            Name = ns.Name,
            Id = ns.Id,
            State = NamespaceState.Registered,
            Description = ns.Description,
            Capabilities = ServerCapabilities.Namespace(),
        },
        Config = new() { WorkflowExecutionRetentionTtl = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(30)) },
        IsGlobalNamespace = false,
    };

    public Task<ListNamespacesResponse> ListNamespaces(ListNamespacesRequest r, ServerCallContext ctx)
    {
        var resp = new ListNamespacesResponse();
        foreach (var ns in engine.Namespaces.All) resp.Namespaces.Add(NamespaceResponse(ns));
        return Task.FromResult(resp);
    }

    public Task<RegisterNamespaceResponse> RegisterNamespace(RegisterNamespaceRequest r, ServerCallContext ctx)
    {
        WorkflowEngine.Require(r.Namespace, "Namespace");
        NamespaceNames.Validate(r.Namespace);
        if (engine.Namespaces.Exists(r.Namespace))
            throw ServerErrors.Make(StatusCode.AlreadyExists, $"Namespace {r.Namespace} already exists.",
                new Temporalio.Api.ErrorDetails.V1.NamespaceAlreadyExistsFailure());
        engine.Namespaces.Register(r.Namespace, r.Description);
        return Task.FromResult(new RegisterNamespaceResponse());
    }

    public Task<StartWorkflowExecutionResponse> StartWorkflowExecution(StartWorkflowExecutionRequest r, ServerCallContext ctx) =>
        engine.StartWorkflowAsync(r);

    public Task<SignalWithStartWorkflowExecutionResponse> SignalWithStartWorkflowExecution(SignalWithStartWorkflowExecutionRequest r, ServerCallContext ctx) =>
        engine.SignalWithStartAsync(r);

    public async Task<PollWorkflowTaskQueueResponse> PollWorkflowTaskQueue(PollWorkflowTaskQueueRequest r, ServerCallContext ctx)
    {
        using var poll = engine.Shutdowns.Track(r.Namespace, r.WorkerInstanceKey, ctx.CancellationToken);
        return await engine.PollWorkflowTaskAsync(r, PollWait(ctx), poll.Token);
    }

    public Task<RespondWorkflowTaskCompletedResponse> RespondWorkflowTaskCompleted(RespondWorkflowTaskCompletedRequest r, ServerCallContext ctx) =>
        engine.CompleteWorkflowTaskAsync(r);

    public Task<RespondWorkflowTaskFailedResponse> RespondWorkflowTaskFailed(RespondWorkflowTaskFailedRequest r, ServerCallContext ctx) =>
        engine.FailWorkflowTaskAsync(r);

    public Task<RespondQueryTaskCompletedResponse> RespondQueryTaskCompleted(RespondQueryTaskCompletedRequest r, ServerCallContext ctx) =>
        Task.FromResult(engine.CompleteQuery(r));

    public async Task<PollActivityTaskQueueResponse> PollActivityTaskQueue(PollActivityTaskQueueRequest r, ServerCallContext ctx)
    {
        using var poll = engine.Shutdowns.Track(r.Namespace, r.WorkerInstanceKey, ctx.CancellationToken);
        return await engine.PollActivityTaskAsync(r, PollWait(ctx), poll.Token);
    }

    public Task<RecordActivityTaskHeartbeatResponse> RecordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest r, ServerCallContext ctx) =>
        engine.HeartbeatAsync(r);

    public Task<RecordActivityTaskHeartbeatByIdResponse> RecordActivityTaskHeartbeatById(RecordActivityTaskHeartbeatByIdRequest r, ServerCallContext ctx) =>
        engine.HeartbeatByIdAsync(r);

    public Task<RespondActivityTaskCompletedResponse> RespondActivityTaskCompleted(RespondActivityTaskCompletedRequest r, ServerCallContext ctx) =>
        engine.CompleteActivityAsync(r);

    public Task<RespondActivityTaskCompletedByIdResponse> RespondActivityTaskCompletedById(RespondActivityTaskCompletedByIdRequest r, ServerCallContext ctx) =>
        engine.CompleteActivityByIdAsync(r);

    public Task<RespondActivityTaskFailedResponse> RespondActivityTaskFailed(RespondActivityTaskFailedRequest r, ServerCallContext ctx) =>
        engine.FailActivityAsync(r);

    public Task<RespondActivityTaskFailedByIdResponse> RespondActivityTaskFailedById(RespondActivityTaskFailedByIdRequest r, ServerCallContext ctx) =>
        engine.FailActivityByIdAsync(r);

    public Task<RespondActivityTaskCanceledResponse> RespondActivityTaskCanceled(RespondActivityTaskCanceledRequest r, ServerCallContext ctx) =>
        engine.CancelActivityAsync(r);

    public Task<RespondActivityTaskCanceledByIdResponse> RespondActivityTaskCanceledById(RespondActivityTaskCanceledByIdRequest r, ServerCallContext ctx) =>
        engine.CancelActivityByIdAsync(r);

    public Task<SignalWorkflowExecutionResponse> SignalWorkflowExecution(SignalWorkflowExecutionRequest r, ServerCallContext ctx) =>
        engine.SignalAsync(r);

    public Task<QueryWorkflowResponse> QueryWorkflow(QueryWorkflowRequest r, ServerCallContext ctx) =>
        engine.QueryAsync(r, ctx.CancellationToken);

    public Task<RequestCancelWorkflowExecutionResponse> RequestCancelWorkflowExecution(RequestCancelWorkflowExecutionRequest r, ServerCallContext ctx) =>
        engine.RequestCancelAsync(r);

    public Task<TerminateWorkflowExecutionResponse> TerminateWorkflowExecution(TerminateWorkflowExecutionRequest r, ServerCallContext ctx) =>
        engine.TerminateAsync(r);

    public Task<DescribeWorkflowExecutionResponse> DescribeWorkflowExecution(DescribeWorkflowExecutionRequest r, ServerCallContext ctx) =>
        engine.DescribeAsync(r);

    public Task<GetWorkflowExecutionHistoryResponse> GetWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest r, ServerCallContext ctx) =>
        engine.GetHistoryAsync(r, PollWait(ctx), ctx.CancellationToken);

    public Task<DescribeTaskQueueResponse> DescribeTaskQueue(DescribeTaskQueueRequest r, ServerCallContext ctx) =>
        Task.FromResult(engine.DescribeTaskQueue(r));

    public Task<ResetStickyTaskQueueResponse> ResetStickyTaskQueue(ResetStickyTaskQueueRequest r, ServerCallContext ctx) =>
        engine.ResetStickyAsync(r);

    public async Task<ShutdownWorkerResponse> ShutdownWorker(ShutdownWorkerRequest r, ServerCallContext ctx)
    {
        engine.Namespaces.Get(r.Namespace);
        engine.Deployments.ForgetPoller(r.Namespace, r.Identity);
        engine.Shutdowns.Shutdown(r.Namespace, r.WorkerInstanceKey);
        // The worker is going away: its runs fall back to the normal queue, its polls end now.
        if (!string.IsNullOrEmpty(r.StickyTaskQueue))
        {
            await engine.ReleaseStickyQueueAsync(r.Namespace, r.StickyTaskQueue);
            engine.Matching.ReleasePollers(r.Namespace, r.StickyTaskQueue, Matching.WorkflowQueue);
        }
        return new ShutdownWorkerResponse();
    }
}

/// <summary>Version strings the server reports.</summary>
public static class ServerInfo
{
    /// <summary>The Temporal server API level whose semantics this server follows.</summary>
    public const string TemporalApiVersion = "1.27.0";
}
