using Google.Protobuf;
using Kubiya.Server.Engine.Deployments;
using Kubiya.Server.Storage;
using Temporalio.Api.Deployment.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.Workflow.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// Worker versioning of runs, as Temporal does it. A pinned run's tasks go to the version that
/// completed its first workflow task (or its pinned override); an auto-upgrade or unversioned run's
/// tasks go to the task queue's current version, or its ramping one for the workflow ids inside the
/// ramp. Every task start is checked against that rule under the engine lock, so a task matched
/// just before a routing change is put back where it now belongs instead of running on the wrong version.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>The worker deployments of every namespace.</summary>
    public DeploymentRegistry Deployments { get; } = new();

    private bool deploymentSchemaReady;

    /// <summary>Loads the deployments and routes their task queues by version (start-up, under the lock).</summary>
    private void LoadDeployments()
    {
        EnsureDeploymentSchema(store);
        foreach (var d in DeploymentStore.LoadAll(store))
        {
            Deployments.Put(d);
            foreach (var v in d.Versions.Values)
                foreach (var q in v.TaskQueues) RouteByVersion(d.Namespace, q.Name, q.Type);
        }
    }

    private void EnsureDeploymentSchema(SqliteStore s)
    {
        if (deploymentSchemaReady) return;
        DeploymentStore.EnsureSchema(s);
        deploymentSchemaReady = true;
    }

    /// <summary>Writes the deployment in the transition's commit.</summary>
    private void SaveDeployment(Tx tx, DeploymentRecord d) =>
        tx.Writes.Add(s => { EnsureDeploymentSchema(s); DeploymentStore.Save(s, d); });

    private void RouteByVersion(string ns, string queue, int type)
    {
        Matching.Router ??= RouteTask;
        Matching.MarkVersioned(ns, queue, type);
    }

    /// <summary>Matching's router: the version a task goes to, decided when it is matched.</summary>
    private string RouteTask(TaskRef t, string queue, int type) => Resolve(t.Pin, t.Namespace, queue, t.WorkflowId);

    private string Resolve(string? pin, string ns, string queue, string workflowId) => pin switch
    {
        null => Deployments.Any ? Deployments.Target(ns, queue, workflowId) : "",
        VersionKeys.RampingMarker => Deployments.RampingOrCurrent(ns, queue),
        _ => pin,
    };

    // ---- polls ----

    /// <summary>
    /// The version a poller serves ("" unversioned). Its first poll of a task queue adds the queue to
    /// its version, creating the deployment and version when new, as Temporal does.
    /// </summary>
    internal async Task<string> PollerVersionAsync(string ns, Temporalio.Api.TaskQueue.V1.TaskQueue? queue, int type, WorkerDeploymentOptions? o, string identity)
    {
        var key = VersionKeys.OfPoller(o);
        if (key.Length == 0 || string.IsNullOrEmpty(queue?.Name)) return key;
        Deployments.SawPoller(ns, key, identity);
        if (queue.Kind == TaskQueueKind.Sticky || Deployments.Knows(ns, o!.DeploymentName, o.BuildId, queue.Name, type)) return key;
        Namespaces.Get(ns);
        if (o.DeploymentName.Contains('.'))
            throw ServerErrors.InvalidArgument($"Worker deployment name '{o.DeploymentName}' must not contain a dot.");
        await MutateAsync(tx => RegisterVersionQueue(tx, ns, o.DeploymentName, o.BuildId, queue.Name, type)).ConfigureAwait(false);
        return key;
    }

    private void RegisterVersionQueue(Tx tx, string ns, string deployment, string buildId, string queue, int type)
    {
        var now = Clock.NowMs();
        var d = Deployments.Change(() =>
        {
            var rec = Deployments.Get(ns, deployment) ?? new DeploymentRecord { Namespace = ns, Name = deployment, CreateTimeMs = now };
            if (!rec.Versions.TryGetValue(buildId, out var v))
                rec.Versions[buildId] = v = new VersionRecord { BuildId = buildId, CreateTimeMs = now };
            if (!v.HasQueue(queue, type)) v.TaskQueues.Add(new VersionQueue(queue, type));
            Deployments.Put(rec);
            return rec;
        });
        SaveDeployment(tx, d);
        tx.AfterCommit.Add(() =>
        {
            RouteByVersion(ns, queue, type);
            Matching.Rematch(ns, queue, type);
        });
    }

    // ---- routing of a run's tasks ----

    /// <summary>The pin a task of this run is dispatched with (null: the queue's routing decides).</summary>
    private string? PinOfTask(Execution e, TaskRef task, string queue, int type)
    {
        var v = e.State.Versioning;
        if (v == null) return null;
        if (type == Matching.WorkflowQueue) return queue == e.State.TaskQueue ? v.Pin : null;
        return e.State.Activities.TryGetValue(task.ScheduledEventId, out var a) ? ActivityPin(e, a) : null;
    }

    /// <summary>
    /// A pinned run's activity runs on the run's version when that version polls the activity's
    /// task queue; otherwise the activity queue's own routing decides.
    /// </summary>
    private string? ActivityPin(Execution e, ActivityInfo a)
    {
        var pin = e.State.Versioning?.Pin;
        if (pin == null || pin == VersionKeys.RampingMarker) return null;
        return Deployments.VersionHasQueue(e.State.Namespace, pin, a.TaskQueue, Matching.ActivityQueue) ? pin : null;
    }

    /// <summary>The version the run's next workflow task must run on ("" = unversioned workers).</summary>
    internal string RequiredWorkflowVersion(Execution e) =>
        Resolve(e.State.Versioning?.Pin, e.State.Namespace, e.State.TaskQueue, e.State.WorkflowId);

    /// <summary>Whether the run's next task leaves the version whose worker holds it in its sticky cache.</summary>
    private bool LeavesItsVersion(Execution e) =>
        (Deployments.Any || e.State.Versioning != null) && RequiredWorkflowVersion(e) != (e.State.Versioning?.VersionKey ?? "");

    /// <summary>
    /// Whether a poller of <paramref name="pollerVersion"/> may start this workflow task. When it may
    /// not, a sticky task falls back to the normal queue, and a normal one is queued again for its
    /// version (unless <paramref name="t"/> is a stale copy dispatched under an earlier pin).
    /// </summary>
    private bool AcceptsWorkflowTask(Tx tx, Execution e, TaskRef t, string pollerVersion, string polledQueue)
    {
        if (pollerVersion.Length == 0 && e.State.Versioning == null && !Deployments.Any) return true;
        if (RequiredWorkflowVersion(e) == pollerVersion) return true;
        if (e.State.Wft is { Sticky: true })
        {
            FallBackToNormalQueue(tx, e);
            return false;
        }
        Requeue(t, polledQueue, Matching.WorkflowQueue, e.State.Versioning?.Pin);
        return false;
    }

    /// <summary>The activity counterpart of <see cref="AcceptsWorkflowTask"/>.</summary>
    private bool AcceptsActivityTask(Execution e, ActivityInfo a, TaskRef t, string pollerVersion)
    {
        if (pollerVersion.Length == 0 && e.State.Versioning == null && !Deployments.Any) return true;
        var pin = ActivityPin(e, a);
        if (Resolve(pin, e.State.Namespace, a.TaskQueue, e.State.WorkflowId) == pollerVersion) return true;
        Requeue(t, a.TaskQueue, Matching.ActivityQueue, pin);
        return false;
    }

    private void Requeue(TaskRef t, string queue, int type, string? currentPin)
    {
        if (t.Pin != currentPin) return; // superseded: the copy with the current pin is queued too
        RouteByVersion(t.Namespace, queue, type);
        Matching.Add(t.Namespace, queue, type, t);
    }

    // ---- history and state ----

    /// <summary>
    /// Records the completing worker's version and behaviour in WorkflowTaskCompleted and moves the
    /// run to that version (Temporal: the worker that completes a task decides the run's versioning).
    /// </summary>
    private void RecordCompletionVersion(Execution e, RespondWorkflowTaskCompletedRequest r, WorkflowTaskCompletedEventAttributes done)
    {
        var o = r.DeploymentOptions;
        var hasVersion = o != null && o.DeploymentName.Length > 0 && o.BuildId.Length > 0;
        if (!hasVersion && e.State.Versioning == null) return;
        var versioned = hasVersion && o!.WorkerVersioningMode == WorkerVersioningMode.Versioned;
        if (hasVersion)
        {
            done.WorkerDeploymentName = o!.DeploymentName;
            done.DeploymentVersion = VersionKeys.Proto(o.DeploymentName, o.BuildId);
            done.WorkerDeploymentVersion = VersionKeys.Of(o.DeploymentName, o.BuildId);
        }
        done.VersioningBehavior = versioned ? r.VersioningBehavior : VersioningBehavior.Unspecified;
        var v = e.State.Versioning ??= new VersioningState();
        var before = v.VersionKey;
        v.Behavior = (int)done.VersioningBehavior;
        v.DeploymentName = hasVersion ? o!.DeploymentName : null;
        v.BuildId = hasVersion ? o!.BuildId : null;
        v.InitialBehavior = 0;
        if (v.VersionKey != before) v.Revision++;
        // A one-time override lasts until a task completes on its target.
        if (v.OverrideProto is { OverrideCase: VersioningOverride.OverrideOneofCase.OneTime } once
            && once.OneTime.TargetDeploymentVersion is { } target && VersionKeys.Of(target) == v.VersionKey)
            v.Override = null;
    }

    /// <summary>
    /// Marks WorkflowTaskStarted when a pinned run's target version (the queue's current or
    /// ramping version for it) is another one, so the workflow may continue-as-new onto it.
    /// </summary>
    private HistoryEvent WithTargetChange(Execution e, HistoryEvent started)
    {
        var v = e.State.Versioning;
        if (v == null || v.EffectiveBehavior != VersioningBehavior.Pinned || !Deployments.Any) return started;
        var target = Deployments.Target(e.State.Namespace, e.State.TaskQueue, e.State.WorkflowId);
        if (target.Length > 0 && target != v.Pin) started.WorkflowTaskStartedEventAttributes.TargetWorkerDeploymentVersionChanged = true;
        return started;
    }

    /// <summary>Sets up a new run's versioning from its WorkflowExecutionStarted attributes (override, inherited pin).</summary>
    private void InitRunVersioning(Execution e, WorkflowExecutionStartedEventAttributes attrs)
    {
        var o = attrs.VersioningOverride;
        var hasOverride = o != null && (o.OverrideCase != VersioningOverride.OverrideOneofCase.None || o.Behavior != VersioningBehavior.Unspecified);
        if (!hasOverride && attrs.InheritedPinnedVersion == null && attrs.InheritedAutoUpgradeInfo == null) return;
        var v = new VersioningState();
        if (hasOverride) v.Override = o!.ToByteArray();
        if (attrs.InheritedPinnedVersion is { } pinned)
        {
            v.Behavior = (int)VersioningBehavior.Pinned;
            v.DeploymentName = pinned.DeploymentName;
            v.BuildId = pinned.BuildId;
        }
        else if (attrs.InheritedAutoUpgradeInfo is { } auto)
        {
            v.Behavior = (int)VersioningBehavior.AutoUpgrade;
            v.DeploymentName = auto.SourceDeploymentVersion?.DeploymentName;
            v.BuildId = auto.SourceDeploymentVersion?.BuildId;
            v.InitialBehavior = (int)auto.ContinueAsNewInitialVersioningBehavior;
        }
        e.State.Versioning = v;
    }

    /// <summary>Validates a start request's override and carries it into the started event.</summary>
    internal static StartSpec WithVersioningOverride(StartSpec spec, VersioningOverride? o)
    {
        if (o == null || (o.OverrideCase == VersioningOverride.OverrideOneofCase.None && o.Behavior == VersioningBehavior.Unspecified)) return spec;
        CheckOverride(o);
        var extra = spec.Extra?.Clone() ?? new WorkflowExecutionStartedEventAttributes();
        extra.VersioningOverride = o;
        return spec with { Extra = extra };
    }

    /// <summary>A pinned override must name a whole version; anything else is refused with the field at fault.</summary>
    internal static void CheckOverride(VersioningOverride o)
    {
        switch (o.OverrideCase)
        {
            case VersioningOverride.OverrideOneofCase.Pinned:
                if (o.Pinned.Version == null || o.Pinned.Version.DeploymentName.Length == 0 || o.Pinned.Version.BuildId.Length == 0)
                    throw ServerErrors.InvalidArgument("VersioningOverride.Pinned needs a version with both a deployment name and a build id.");
                break;
            case VersioningOverride.OverrideOneofCase.OneTime:
                if (o.OneTime.TargetDeploymentVersion is not { DeploymentName.Length: > 0, BuildId.Length: > 0 })
                    throw ServerErrors.InvalidArgument("VersioningOverride.OneTime needs a target version with both a deployment name and a build id.");
                break;
            case VersioningOverride.OverrideOneofCase.AutoUpgrade:
                if (!o.AutoUpgrade) throw ServerErrors.InvalidArgument("VersioningOverride.AutoUpgrade must be true when set.");
                break;
            default:
                if (o.Behavior == VersioningBehavior.Pinned && string.IsNullOrEmpty(o.PinnedVersion) && o.Deployment == null)
                    throw ServerErrors.InvalidArgument("A pinned VersioningOverride needs the version to pin to.");
                break;
        }
    }

    /// <summary>
    /// What the run a continue-as-new creates inherits (Temporal's rules): a pinned override always;
    /// a pinned run's version when the new run stays on a task queue of that version, unless the command
    /// asks for AUTO_UPGRADE or USE_RAMPING_VERSION on the first task; an auto-upgrade run starts on the target.
    /// </summary>
    private WorkflowExecutionStartedEventAttributes? ContinueAsNewVersioning(Execution e, ContinueAsNewVersioningBehavior initial, string queue)
    {
        var v = e.State.Versioning;
        if (v == null) return null;
        var attrs = new WorkflowExecutionStartedEventAttributes();
        if (v.HasPinnedOverride) attrs.VersioningOverride = v.OverrideProto;
        var key = v.VersionKey;
        var source = VersionKeys.Parse(key);
        if (initial != ContinueAsNewVersioningBehavior.Unspecified)
            attrs.InheritedAutoUpgradeInfo = new InheritedAutoUpgradeInfo { SourceDeploymentVersion = source, ContinueAsNewInitialVersioningBehavior = initial };
        else if ((VersioningBehavior)v.Behavior == VersioningBehavior.Pinned && source != null
                 && Deployments.VersionHasQueue(e.State.Namespace, key, queue, Matching.WorkflowQueue))
            attrs.InheritedPinnedVersion = source;
        else if (v.EffectiveBehavior == VersioningBehavior.AutoUpgrade && source != null)
            attrs.InheritedAutoUpgradeInfo = new InheritedAutoUpgradeInfo { SourceDeploymentVersion = source };
        return attrs.VersioningOverride == null && attrs.InheritedPinnedVersion == null && attrs.InheritedAutoUpgradeInfo == null ? null : attrs;
    }

    /// <summary>
    /// What a child inherits (Temporal's rules): the override its start command names, else the
    /// parent's pinned override; and a pinned parent's version when the child's task queue belongs to it.
    /// </summary>
    private WorkflowExecutionStartedEventAttributes? ChildVersioning(Execution parent, VersioningOverride? requested, string ns, string queue)
    {
        var v = parent.State.Versioning;
        var hasRequested = requested != null && (requested.OverrideCase != VersioningOverride.OverrideOneofCase.None || requested.Behavior != VersioningBehavior.Unspecified);
        if (v == null && !hasRequested) return null;
        var attrs = new WorkflowExecutionStartedEventAttributes();
        if (hasRequested) attrs.VersioningOverride = requested;
        else if (v!.HasPinnedOverride) attrs.VersioningOverride = v.OverrideProto;
        if (v != null && ns == parent.State.Namespace && (VersioningBehavior)v.Behavior == VersioningBehavior.Pinned
            && VersionKeys.Parse(v.VersionKey) is { } version && Deployments.VersionHasQueue(ns, v.VersionKey, queue, Matching.WorkflowQueue))
            attrs.InheritedPinnedVersion = version;
        return attrs.VersioningOverride == null && attrs.InheritedPinnedVersion == null ? null : attrs;
    }

    /// <summary>A retry or the next cron run keeps the run's pinned override (Temporal's rule); nothing else of its versioning.</summary>
    private static WorkflowExecutionStartedEventAttributes? InheritedOverride(Execution e) =>
        e.State.Versioning is { HasPinnedOverride: true } v ? new WorkflowExecutionStartedEventAttributes { VersioningOverride = v.OverrideProto } : null;

    /// <summary>DescribeWorkflowExecution's versioning info: behaviour, version, override, a transition in progress.</summary>
    private void AddVersioningInfo(Execution e, WorkflowExecutionInfo info)
    {
        var v = e.State.Versioning;
        if (v == null) return;
        var vi = new WorkflowExecutionVersioningInfo
        {
            Behavior = (VersioningBehavior)v.Behavior,
            RevisionNumber = v.Revision,
            ContinueAsNewInitialVersioningBehavior = (ContinueAsNewVersioningBehavior)v.InitialBehavior,
        };
        if (VersionKeys.Parse(v.VersionKey) is { } version)
        {
            vi.DeploymentVersion = version;
            vi.Version = v.VersionKey;
            vi.Deployment = new Deployment { SeriesName = version.DeploymentName, BuildId = version.BuildId };
            info.WorkerDeploymentName = version.DeploymentName;
        }
        if (v.OverrideProto is { } o) vi.VersioningOverride = o;
        // Temporal: an auto-upgrade run with a pending task whose target is another version is transitioning to it.
        if (e.IsOpen && e.State.Wft != null && v.EffectiveBehavior != VersioningBehavior.Pinned)
        {
            var target = RequiredWorkflowVersion(e);
            if (target != v.VersionKey)
                vi.VersionTransition = new DeploymentVersionTransition
                {
                    DeploymentVersion = VersionKeys.Parse(target),
                    Version = target.Length == 0 ? VersionKeys.Unversioned : target,
                };
        }
        info.VersioningInfo = vi;
    }
}
