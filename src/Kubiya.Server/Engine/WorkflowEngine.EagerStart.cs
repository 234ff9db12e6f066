using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// Eager workflow start, as Temporal does it: a starter that asks for it (its SDK does so when a
/// worker for the task queue runs in the same process and has a free slot) gets the run's first
/// workflow task in the StartWorkflowExecution answer, started in the same transition, saving a
/// poll round trip. Only a run this call created whose first task is due now qualifies: not an
/// existing run, not a start delay or cron schedule.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>Tracks worker instances so their polls end when they shut down.</summary>
    public WorkerShutdowns Shutdowns { get; } = new();

    private PollWorkflowTaskQueueResponse? EagerWorkflowTask(Tx tx, StartWorkflowExecutionRequest r, StartOutcome outcome)
    {
        if (!r.RequestEagerExecution || !outcome.Started || !outcome.Execution.IsNew) return null;
        var e = outcome.Execution;
        if (e.State.Wft is not { StartedEventId: 0, Attempt: 1 } wft || wft.TaskQueue != e.State.TaskQueue) return null;
        var task = new TaskRef(TaskToken.Workflow, e.State.Namespace, e.State.WorkflowId, e.State.RunId, wft.ScheduledEventId, wft.Attempt);
        // A versioned starter's worker takes the task only if the run's routing sends it to that version.
        return StartWorkflowTask(tx, task, r.Identity, e.State.TaskQueue,
            Kubiya.Server.Engine.Deployments.VersionKeys.OfPoller(r.EagerWorkerDeploymentOptions));
    }
}
