using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.Workflow.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// UpdateWorkflowExecutionOptions: sets or clears a running workflow's versioning override (the
/// field mask names what changes), records WorkflowExecutionOptionsUpdated, and routes a task not
/// yet started to the version the override now asks for.
/// </summary>
public sealed partial class WorkflowEngine
{
    private const string OverridePath = "versioning_override";

    public Task<UpdateWorkflowExecutionOptionsResponse> UpdateWorkflowExecutionOptionsAsync(UpdateWorkflowExecutionOptionsRequest r)
    {
        var paths = r.UpdateMask?.Paths.ToList() ?? new List<string>();
        if (paths.Count == 0)
            throw ServerErrors.InvalidArgument("UpdateMask is not set on request: name the options to change (versioning_override).");
        foreach (var path in paths)
            if (path != OverridePath && path != "versioningOverride")
                throw ServerErrors.InvalidArgument($"UpdateMask path '{path}' is not supported by Kubiya.Server; supported: {OverridePath}.");
        var wanted = r.WorkflowExecutionOptions?.VersioningOverride;
        var unset = wanted == null || (wanted.OverrideCase == VersioningOverride.OverrideOneofCase.None && wanted.Behavior == VersioningBehavior.Unspecified);
        if (!unset) CheckOverride(wanted!);
        return MutateAsync(tx =>
        {
            var e = Find(r.Namespace, r.WorkflowExecution?.WorkflowId ?? "", r.WorkflowExecution?.RunId);
            if (!e.IsOpen) throw ServerErrors.AlreadyCompleted();
            var v = e.State.Versioning;
            var had = v?.Override;
            var changes = unset ? had != null : had == null || !wanted!.Equals(v!.OverrideProto);
            if (changes)
            {
                tx.Touch(e);
                v = e.State.Versioning ??= new VersioningState();
                v.Override = unset ? null : Google.Protobuf.MessageExtensions.ToByteArray(wanted!);
                var ev = NewEvent(EventType.WorkflowExecutionOptionsUpdated);
                // As Temporal writes it: workers need not handle it (the SDK skips it on replay).
                ev.WorkerMayIgnore = true;
                ev.WorkflowExecutionOptionsUpdatedEventAttributes = new()
                {
                    VersioningOverride = unset ? null : wanted,
                    UnsetVersioningOverride = unset,
                    Identity = r.Identity ?? "",
                };
                // Like any event, it waits while a workflow task is in flight; it needs no task of its own.
                if (e.State.Wft is { StartedEventId: > 0 }) e.State.Buffered.Add(Google.Protobuf.MessageExtensions.ToByteArray(ev));
                else Append(tx, e, ev);
                // A scheduled sticky task may sit with a worker of the old version.
                if (e.State.Wft is { StartedEventId: 0, Sticky: true } && LeavesItsVersion(e)) FallBackToNormalQueue(tx, e);
            }
            var options = new WorkflowExecutionOptions();
            if (e.State.Versioning?.OverrideProto is { } o) options.VersioningOverride = o;
            return new UpdateWorkflowExecutionOptionsResponse { WorkflowExecutionOptions = options };
        });
    }
}
