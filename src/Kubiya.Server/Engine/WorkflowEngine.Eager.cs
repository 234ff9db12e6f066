using Microsoft.Extensions.Logging;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

public sealed partial class WorkflowEngine
{
    /// <summary>
    /// Eager activity dispatch, as Temporal does it: an activity the completing worker asked to run
    /// itself (request_eager_execution, on the workflow's own task queue) starts inside the same
    /// transition and goes back in the RespondWorkflowTaskCompleted answer, which saves a poll
    /// round trip and a transition per activity. Anything not handed out here is dispatched as usual.
    /// </summary>
    private List<PollActivityTaskQueueResponse> StartEagerActivities(Tx tx, Execution e, List<long> scheduledEventIds, string identity)
    {
        var started = new List<PollActivityTaskQueueResponse>();
        if (!Limits.EagerActivities) return started;
        foreach (var id in scheduledEventIds)
        {
            if (!e.State.Activities.TryGetValue(id, out var a) || a.Started || a.TaskQueue != e.State.TaskQueue) continue;
            var task = new TaskRef(TaskToken.Activity, e.State.Namespace, e.State.WorkflowId, e.State.RunId, id, a.Attempt);
            if (StartActivityTask(tx, task, identity) is not { } response) continue;
            started.Add(response);
            log.LogDebug("Activity {ActivityId} of {WorkflowId} started eagerly by {Identity}", a.ActivityId, e.State.WorkflowId, identity);
        }
        return started;
    }
}
