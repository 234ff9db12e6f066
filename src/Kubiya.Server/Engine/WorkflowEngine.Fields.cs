using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// Fields Temporal fills in beyond the events themselves: user metadata (static summary and
/// details) carried from commands to their events, priority inherited by activities and children,
/// the root of a chain of parent runs, and the suggestion to continue as new. All are derived from
/// history (the run's started event), except a priority changed later, which the run's state keeps.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>The run's priority: as last set by UpdateWorkflowExecutionOptions, else as started (null: default).</summary>
    private static Priority? RunPriority(Execution e) =>
        e.State.Priority is { } updated ? Priority.Parser.ParseFrom(updated) : e.History[0].WorkflowExecutionStartedEventAttributes.Priority;

    /// <summary>The root of the run's chain of parents: its own root if it has one, else the run itself.</summary>
    private static WorkflowExecution RootOf(Execution e) =>
        e.History[0].WorkflowExecutionStartedEventAttributes.RootWorkflowExecution?.Clone()
        ?? new WorkflowExecution { WorkflowId = e.State.WorkflowId, RunId = e.State.RunId };

    /// <summary>
    /// Copies a command's user metadata (activity or timer summary, child summary and details) onto
    /// the event the command created, as Temporal does.
    /// </summary>
    private static void CarryUserMetadata(Execution e, Command cmd, int firstEventIndex)
    {
        if (cmd.UserMetadata == null || firstEventIndex >= e.History.Count) return;
        if (cmd.CommandType is not (CommandType.ScheduleActivityTask or CommandType.StartTimer or CommandType.StartChildWorkflowExecution)) return;
        var ev = e.History[firstEventIndex];
        if (ev.UserMetadata != null) return;
        var before = ev.CalculateSize();
        ev.UserMetadata = cmd.UserMetadata;
        e.HistorySizeBytes += ev.CalculateSize() - before;
    }

    /// <summary>Adds what describe shows beyond state: user metadata, priority, root execution, pending activity priority.</summary>
    private static void DescribeFields(Execution e, DescribeWorkflowExecutionResponse resp)
    {
        var started = e.History[0];
        if (started.UserMetadata != null) resp.ExecutionConfig.UserMetadata = started.UserMetadata;
        var attrs = started.WorkflowExecutionStartedEventAttributes;
        if (RunPriority(e) is { } priority) resp.WorkflowExecutionInfo.Priority = priority;
        resp.WorkflowExecutionInfo.RootExecution = RootOf(e);
        foreach (var pa in resp.PendingActivities)
        {
            var a = e.State.Activities.Values.FirstOrDefault(x => x.ActivityId == pa.ActivityId);
            if (a == null) continue;
            var scheduled = Temporalio.Api.History.V1.ActivityTaskScheduledEventAttributes.Parser.ParseFrom(a.Attributes);
            if (scheduled.Priority != null) pa.Priority = scheduled.Priority;
            DescribeActivityOps(a, pa);
        }
    }

    /// <summary>
    /// Whether a workflow task starting now should suggest continue-as-new, and why: the history
    /// has reached the configured event count or size (Temporal's limit.historyCount /
    /// limit.historySize .suggestContinueAsNew).
    /// </summary>
    private List<int>? ContinueAsNewReasons(Execution e)
    {
        var tooLong = Limits.SuggestContinueAsNewEvents > 0 && e.State.NextEventId >= Limits.SuggestContinueAsNewEvents;
        var tooLarge = Limits.SuggestContinueAsNewBytes > 0 && e.HistorySizeBytes >= Limits.SuggestContinueAsNewBytes;
        if (!tooLong && !tooLarge) return null; // the common case allocates nothing
        var reasons = new List<int>();
        if (tooLong) reasons.Add((int)SuggestContinueAsNewReason.TooManyHistoryEvents);
        if (tooLarge) reasons.Add((int)SuggestContinueAsNewReason.HistorySizeTooLarge);
        return reasons;
    }
}

/// <summary>Temporal's priority inheritance: each field unset on the child takes the parent's value.</summary>
public static class Priorities
{
    /// <summary>Merges <paramref name="own"/> over <paramref name="inherited"/>; null when both are unset.</summary>
    public static Priority? Inherit(Priority? own, Priority? inherited)
    {
        if (inherited == null) return own;
        if (own == null) return inherited.Clone();
        var merged = own.Clone();
        if (merged.PriorityKey == 0) merged.PriorityKey = inherited.PriorityKey;
        if (string.IsNullOrEmpty(merged.FairnessKey)) merged.FairnessKey = inherited.FairnessKey;
        if (merged.FairnessWeight == 0) merged.FairnessWeight = inherited.FairnessWeight;
        return merged;
    }
}
