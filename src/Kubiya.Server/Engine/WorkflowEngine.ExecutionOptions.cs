using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.Workflow.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// UpdateWorkflowExecutionOptions: sets or clears a running workflow's versioning override and
/// sets its priority (the field mask names what changes), records WorkflowExecutionOptionsUpdated,
/// and routes a task not yet started to the version the override now asks for. A new priority
/// applies to what the run schedules from then on (activities, children, its next run).
/// </summary>
public sealed partial class WorkflowEngine
{
    private const string OverridePath = "versioning_override";
    private const string PriorityPath = "priority";

    public Task<UpdateWorkflowExecutionOptionsResponse> UpdateWorkflowExecutionOptionsAsync(UpdateWorkflowExecutionOptionsRequest r)
    {
        var paths = r.UpdateMask?.Paths.ToList() ?? new List<string>();
        if (paths.Count == 0)
            throw ServerErrors.InvalidArgument("UpdateMask is not set on request: name the options to change (versioning_override, priority).");
        var setOverride = false;
        var setPriority = false;
        foreach (var path in paths)
        {
            if (path is OverridePath or "versioningOverride") setOverride = true;
            else if (path == PriorityPath) setPriority = true;
            else
                throw ServerErrors.InvalidArgument($"UpdateMask path '{path}' is not supported by Kubiya.Server; supported: {OverridePath}, {PriorityPath}.");
        }
        var wanted = r.WorkflowExecutionOptions?.VersioningOverride;
        var unset = wanted == null || (wanted.OverrideCase == VersioningOverride.OverrideOneofCase.None && wanted.Behavior == VersioningBehavior.Unspecified);
        if (setOverride && !unset) CheckOverride(wanted!);
        var priority = r.WorkflowExecutionOptions?.Priority ?? new Temporalio.Api.Common.V1.Priority();
        if (setPriority) CheckPriority(priority);
        return MutateAsync(tx =>
        {
            var e = Find(r.Namespace, r.WorkflowExecution?.WorkflowId ?? "", r.WorkflowExecution?.RunId);
            if (!e.IsOpen) throw ServerErrors.AlreadyCompleted();
            var v = e.State.Versioning;
            var had = v?.Override;
            var overrideChanges = setOverride && (unset ? had != null : had == null || !wanted!.Equals(v!.OverrideProto));
            var priorityChanges = setPriority && !priority.Equals(RunPriority(e) ?? new Temporalio.Api.Common.V1.Priority());
            if (overrideChanges || priorityChanges)
            {
                tx.Touch(e);
                if (overrideChanges)
                {
                    v = e.State.Versioning ??= new VersioningState();
                    v.Override = unset ? null : Google.Protobuf.MessageExtensions.ToByteArray(wanted!);
                }
                if (priorityChanges) e.State.Priority = Google.Protobuf.MessageExtensions.ToByteArray(priority);
                var ev = NewEvent(EventType.WorkflowExecutionOptionsUpdated);
                // As Temporal writes it: workers need not handle it (the SDK skips it on replay).
                ev.WorkerMayIgnore = true;
                ev.WorkflowExecutionOptionsUpdatedEventAttributes = new()
                {
                    VersioningOverride = overrideChanges && !unset ? wanted : null,
                    UnsetVersioningOverride = overrideChanges && unset,
                    Priority = priorityChanges ? priority : null,
                    Identity = r.Identity ?? "",
                };
                // Like any event, it waits while a workflow task is in flight; it needs no task of its own.
                if (e.State.Wft is { StartedEventId: > 0 }) e.State.Buffered.Add(Google.Protobuf.MessageExtensions.ToByteArray(ev));
                else Append(tx, e, ev);
                // A scheduled sticky task may sit with a worker of the old version.
                if (overrideChanges && e.State.Wft is { StartedEventId: 0, Sticky: true } && LeavesItsVersion(e)) FallBackToNormalQueue(tx, e);
            }
            var options = new WorkflowExecutionOptions();
            if (e.State.Versioning?.OverrideProto is { } o) options.VersioningOverride = o;
            if (RunPriority(e) is { } p) options.Priority = p;
            return new UpdateWorkflowExecutionOptionsResponse { WorkflowExecutionOptions = options };
        });
    }

    /// <summary>Temporal's priority bounds: a non-negative key and fairness weight.</summary>
    private static void CheckPriority(Temporalio.Api.Common.V1.Priority p)
    {
        if (p.PriorityKey < 0) throw ServerErrors.InvalidArgument($"Priority key must not be negative, not {p.PriorityKey}.");
        if (p.FairnessWeight < 0) throw ServerErrors.InvalidArgument($"Priority fairness weight must not be negative, not {p.FairnessWeight}.");
    }
}
