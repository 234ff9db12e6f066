using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Kubiya.Tests.Visibility;

/// <summary>Ends as its input says: "complete", "fail", or (anything else) waits until cancelled.</summary>
[Workflow("VisOutcome")]
public sealed class OutcomeWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(string how)
    {
        if (how == "complete") return "done";
        if (how == "fail") throw new ApplicationFailureException("failed on purpose", nonRetryable: true);
        await Workflow.WaitConditionAsync(() => false);
        return "never";
    }
}

/// <summary>A conversation-like workflow driven by updates: items are added, validated, and it finishes on request.</summary>
[Workflow("VisUpdatable")]
public sealed class UpdatableWorkflow
{
    private readonly List<string> items = new();
    private bool finished;

    [WorkflowRun]
    public async Task<int> RunAsync()
    {
        await Workflow.WaitConditionAsync(() => finished);
        return items.Count;
    }

    [WorkflowUpdate]
    public async Task<int> AddItemAsync(string item)
    {
        // A short durable wait, so the update is accepted in one workflow task and completed in a later one.
        if (item.StartsWith("slow", StringComparison.Ordinal)) await Workflow.DelayAsync(TimeSpan.FromMilliseconds(50));
        items.Add(item);
        return items.Count;
    }

    [WorkflowUpdateValidator(nameof(AddItemAsync))]
    public void ValidateAddItem(string item)
    {
        if (string.IsNullOrWhiteSpace(item)) throw new ApplicationFailureException("item must not be empty");
    }

    [WorkflowUpdate]
    public Task FailAsync() => throw new ApplicationFailureException("update handler failed on purpose");

    [WorkflowUpdate]
    public Task SetTeamAsync(string team)
    {
        Workflow.UpsertTypedSearchAttributes(VisibilityKit.Team.ValueSet(team));
        return Task.CompletedTask;
    }

    [WorkflowUpdate]
    public Task FinishAsync()
    {
        finished = true;
        return Task.CompletedTask;
    }
}

/// <summary>Starts one child that waits forever and then waits itself.</summary>
[Workflow("VisParent")]
public sealed class ParentWorkflow
{
    [WorkflowRun]
    public async Task RunAsync(string childId)
    {
        await Workflow.StartChildWorkflowAsync((OutcomeWorkflow wf) => wf.RunAsync("wait"), new() { Id = childId });
        await Workflow.WaitConditionAsync(() => false);
    }
}
