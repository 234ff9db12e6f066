using Temporalio.Api.Query.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>A query waiting for a worker to answer it. Queries are never persisted.</summary>
public sealed class PendingQuery
{
    public PendingQuery(string id, string ns, string workflowId, string runId, WorkflowQuery query)
    {
        Id = id; Namespace = ns; WorkflowId = workflowId; RunId = runId; Query = query;
    }

    public string Id { get; }
    public string Namespace { get; }
    public string WorkflowId { get; }
    public string RunId { get; }
    public WorkflowQuery Query { get; }
    public TaskCompletionSource<QueryWorkflowResponse> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Bumped on every dispatch; a fallback only acts on the dispatch it was armed for.</summary>
    public int Dispatches { get; set; }
    /// <summary>True once a worker has taken the query task.</summary>
    public bool Delivered { get; set; }
}
