using Google.Protobuf;
using Grpc.Core;
using Kubiya.Server.Engine.Deployments;
using Kubiya.Server.Storage;
using Temporalio.Api.Deployment.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// The worker deployment RPCs: describe and list, routing (current and ramping version), version
/// metadata and deletion, with Temporal's refusals (unknown versions without allow_no_pollers,
/// stale conflict tokens, a new current version missing task queues, deleting a version that is
/// current, ramping, polled or draining).
/// </summary>
public sealed partial class WorkflowEngine
{
    // ---- reads ----

    public Task<DescribeWorkerDeploymentResponse> DescribeWorkerDeploymentAsync(DescribeWorkerDeploymentRequest r) =>
        ReadAsync(() =>
        {
            var d = DeploymentOrThrow(r.Namespace, r.DeploymentName);
            return new DescribeWorkerDeploymentResponse { ConflictToken = TokenOf(d), WorkerDeploymentInfo = DeploymentInfo(d) };
        });

    public Task<ListWorkerDeploymentsResponse> ListWorkerDeploymentsAsync(ListWorkerDeploymentsRequest r) =>
        ReadAsync(() =>
        {
            Namespaces.Get(r.Namespace);
            var after = r.NextPageToken.IsEmpty ? null : r.NextPageToken.ToStringUtf8();
            var size = r.PageSize <= 0 ? 1000 : r.PageSize;
            var all = Deployments.All(r.Namespace).Where(d => after == null || string.CompareOrdinal(d.Name, after) > 0).ToList();
            var resp = new ListWorkerDeploymentsResponse();
            foreach (var d in all.Take(size))
            {
                var s = new ListWorkerDeploymentsResponse.Types.WorkerDeploymentSummary
                {
                    Name = d.Name,
                    CreateTime = Clock.Ts(d.CreateTimeMs),
                    RoutingConfig = Routing(d),
                };
                if (d.Versions.Values.OrderByDescending(v => v.CreateTimeMs).FirstOrDefault() is { } latest) s.LatestVersionSummary = Summary(d, latest);
                if (d.CurrentBuildId != null && d.Versions.TryGetValue(d.CurrentBuildId, out var cur)) s.CurrentVersionSummary = Summary(d, cur);
                if (!string.IsNullOrEmpty(d.RampingBuildId) && d.Versions.TryGetValue(d.RampingBuildId, out var ramp)) s.RampingVersionSummary = Summary(d, ramp);
                resp.WorkerDeployments.Add(s);
            }
            if (all.Count > size) resp.NextPageToken = ByteString.CopyFromUtf8(all[size - 1].Name);
            return resp;
        });

    public Task<DescribeWorkerDeploymentVersionResponse> DescribeWorkerDeploymentVersionAsync(DescribeWorkerDeploymentVersionRequest r) =>
        ReadAsync(() =>
        {
            var (d, v) = VersionOrThrow(r.Namespace, r.DeploymentVersion, r.Version);
            var resp = new DescribeWorkerDeploymentVersionResponse { WorkerDeploymentVersionInfo = VersionInfo(d, v) };
            foreach (var q in v.TaskQueues)
            {
                var tq = new DescribeWorkerDeploymentVersionResponse.Types.VersionTaskQueue { Name = q.Name, Type = (TaskQueueType)q.Type };
                if (r.ReportTaskQueueStats)
                    tq.Stats = new Temporalio.Api.TaskQueue.V1.TaskQueueStats { ApproximateBacklogCount = Matching.Backlog(r.Namespace, q.Name, q.Type) };
                resp.VersionTaskQueues.Add(tq);
            }
            return resp;
        });

    // ---- routing ----

    public Task<SetWorkerDeploymentCurrentVersionResponse> SetWorkerDeploymentCurrentVersionAsync(SetWorkerDeploymentCurrentVersionRequest r) =>
        MutateAsync(tx =>
        {
            var build = BuildIdOf(r.BuildId, r.Version, r.DeploymentName);
            var d = DeploymentForRouting(r.Namespace, r.DeploymentName, r.AllowNoPollers, r.ConflictToken);
            CheckManager(d, r.Identity);
            EnsureVersion(d, build, r.AllowNoPollers);
            var previous = d.CurrentBuildId;
            var resp = new SetWorkerDeploymentCurrentVersionResponse
            {
                PreviousVersion = previous == null ? VersionKeys.Unversioned : VersionKeys.Of(d.Name, previous),
                PreviousDeploymentVersion = previous == null ? null : VersionKeys.Proto(d.Name, previous),
            };
            if (previous == build) { resp.ConflictToken = TokenOf(d); return resp; }
            if (!r.IgnoreMissingTaskQueues && previous != null && build != null)
                CheckTaskQueuesKept(d, d.Versions[previous], d.Versions[build], "current");
            var now = Clock.NowMs();
            Deployments.Change(() =>
            {
                if (previous != null && d.Versions.TryGetValue(previous, out var old))
                {
                    old.CurrentSinceMs = null;
                    old.LastCurrentMs = old.LastDeactivationMs = old.RoutingChangedMs = old.DrainageChangedMs = now;
                }
                if (d.RampingBuildId == (build ?? ""))
                {
                    // The ramping version becoming current ends the ramp.
                    if (build != null) d.Versions[build].RampingSinceMs = null;
                    d.RampingBuildId = null;
                    d.RampPercentage = 0;
                    d.RampingChangedMs = d.RampPercentageChangedMs = now;
                }
                if (build != null)
                {
                    var v = d.Versions[build];
                    v.CurrentSinceMs = v.RoutingChangedMs = now;
                    v.FirstActivationMs ??= now;
                    v.LastModifierIdentity = r.Identity ?? "";
                }
                d.CurrentBuildId = build;
                d.CurrentChangedMs = now;
                Routed(d, r.Identity);
                return true;
            });
            SaveRouting(tx, d);
            resp.ConflictToken = TokenOf(d);
            return resp;
        });

    public Task<SetWorkerDeploymentRampingVersionResponse> SetWorkerDeploymentRampingVersionAsync(SetWorkerDeploymentRampingVersionRequest r) =>
        MutateAsync(tx =>
        {
            if (float.IsNaN(r.Percentage) || r.Percentage < 0 || r.Percentage > 100)
                throw ServerErrors.InvalidArgument($"Ramp percentage {r.Percentage} is out of range: it must be between 0 and 100.");
            var build = BuildIdOf(r.BuildId, r.Version, r.DeploymentName);
            var d = DeploymentForRouting(r.Namespace, r.DeploymentName, r.AllowNoPollers, r.ConflictToken);
            CheckManager(d, r.Identity);
            // An empty build id with a share ramps to the unversioned workers; with none it ends the ramp.
            string? ramp = build ?? (r.Percentage > 0 ? "" : null);
            if (ramp == "" && d.CurrentBuildId == null)
                throw Precondition("The unversioned workers are already current; there is nothing to ramp to.");
            if (ramp != null && ramp.Length > 0)
            {
                EnsureVersion(d, ramp, r.AllowNoPollers);
                if (ramp == d.CurrentBuildId)
                    throw Precondition($"Version {VersionKeys.Of(d.Name, ramp)} is the current version; a ramping version must be another one.");
            }
            var resp = new SetWorkerDeploymentRampingVersionResponse
            {
                PreviousVersion = d.RampingBuildId == null ? "" : d.RampingBuildId.Length == 0 ? VersionKeys.Unversioned : VersionKeys.Of(d.Name, d.RampingBuildId),
                PreviousPercentage = d.RampPercentage,
                PreviousDeploymentVersion = string.IsNullOrEmpty(d.RampingBuildId) ? null : VersionKeys.Proto(d.Name, d.RampingBuildId),
            };
            var pct = ramp == null ? 0 : r.Percentage;
            if (d.RampingBuildId == ramp && d.RampPercentage == pct) { resp.ConflictToken = TokenOf(d); return resp; }
            if (d.RampingBuildId != ramp && !r.IgnoreMissingTaskQueues && !string.IsNullOrEmpty(ramp) && d.CurrentBuildId != null)
                CheckTaskQueuesKept(d, d.Versions[d.CurrentBuildId], d.Versions[ramp], "ramping");
            var now = Clock.NowMs();
            Deployments.Change(() =>
            {
                if (d.RampingBuildId != ramp)
                {
                    if (!string.IsNullOrEmpty(d.RampingBuildId) && d.Versions.TryGetValue(d.RampingBuildId, out var old))
                    {
                        old.RampingSinceMs = null;
                        old.LastDeactivationMs = old.RoutingChangedMs = old.DrainageChangedMs = now;
                    }
                    if (!string.IsNullOrEmpty(ramp))
                    {
                        var v = d.Versions[ramp];
                        v.RampingSinceMs = now;
                        v.FirstActivationMs ??= now;
                    }
                    d.RampingBuildId = ramp;
                    d.RampingChangedMs = now;
                }
                if (!string.IsNullOrEmpty(ramp))
                {
                    d.Versions[ramp].RoutingChangedMs = now;
                    d.Versions[ramp].LastModifierIdentity = r.Identity ?? "";
                }
                d.RampPercentage = pct;
                d.RampPercentageChangedMs = now;
                Routed(d, r.Identity);
                return true;
            });
            SaveRouting(tx, d);
            resp.ConflictToken = TokenOf(d);
            return resp;
        });

    // ---- metadata and deletion ----

    public Task<UpdateWorkerDeploymentVersionMetadataResponse> UpdateWorkerDeploymentVersionMetadataAsync(UpdateWorkerDeploymentVersionMetadataRequest r) =>
        MutateAsync(tx =>
        {
            var (d, v) = VersionOrThrow(r.Namespace, r.DeploymentVersion, r.Version);
            foreach (var p in r.UpsertEntries.Values) CheckPayload(p, "Metadata");
            Deployments.Change(() =>
            {
                foreach (var kv in r.UpsertEntries) v.Metadata[kv.Key] = kv.Value.ToByteArray();
                foreach (var key in r.RemoveEntries) v.Metadata.Remove(key);
                v.LastModifierIdentity = r.Identity ?? "";
                return true;
            });
            SaveDeployment(tx, d);
            return new UpdateWorkerDeploymentVersionMetadataResponse { Metadata = MetadataOf(v) };
        });

    public Task<DeleteWorkerDeploymentVersionResponse> DeleteWorkerDeploymentVersionAsync(DeleteWorkerDeploymentVersionRequest r) =>
        MutateAsync(tx =>
        {
            var (d, v) = VersionOrThrow(r.Namespace, r.DeploymentVersion, r.Version);
            CheckManager(d, r.Identity);
            var key = VersionKeys.Of(d.Name, v.BuildId);
            if (d.CurrentBuildId == v.BuildId) throw Precondition($"Version {key} is the current version of its deployment; make another version current first.");
            if (d.RampingBuildId == v.BuildId) throw Precondition($"Version {key} is the ramping version of its deployment; stop the ramp first.");
            if (ActivePollers(d.Namespace, key, v).Count is > 0 and var n)
                throw Precondition($"Version {key} still has {n} active poller(s); stop its workers first.");
            if (!r.SkipDrainage && StatusOf(d, v) == WorkerDeploymentVersionStatus.Draining)
                throw Precondition($"Version {key} is draining: pinned workflows still run on it. Wait until they close, or pass skip_drainage.");
            Deployments.Change(() =>
            {
                d.Versions.Remove(v.BuildId);
                Deployments.Put(d);
                return true;
            });
            SaveDeployment(tx, d);
            return new DeleteWorkerDeploymentVersionResponse();
        });

    public Task<DeleteWorkerDeploymentResponse> DeleteWorkerDeploymentAsync(DeleteWorkerDeploymentRequest r) =>
        MutateAsync(tx =>
        {
            var d = DeploymentOrThrow(r.Namespace, r.DeploymentName);
            CheckManager(d, r.Identity);
            if (d.Versions.Count > 0)
                throw Precondition($"Worker deployment '{d.Name}' still has {d.Versions.Count} version(s); delete them first.");
            Deployments.Remove(d.Namespace, d.Name);
            tx.Writes.Add(s => { EnsureDeploymentSchema(s); DeploymentStore.Delete(s, d.Namespace, d.Name); });
            return new DeleteWorkerDeploymentResponse();
        });

    // ---- helpers ----

    private static RpcException Precondition(string message) => ServerErrors.Make(StatusCode.FailedPrecondition, message);

    private static ByteString TokenOf(DeploymentRecord d) => ByteString.CopyFromUtf8(d.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private DeploymentRecord DeploymentOrThrow(string ns, string name)
    {
        Namespaces.Get(ns);
        Require(name, "DeploymentName");
        return Deployments.Get(ns, name) ?? throw ServerErrors.NotFound($"Worker deployment '{name}' not found: no worker of it has polled yet.");
    }

    private (DeploymentRecord, VersionRecord) VersionOrThrow(string ns, WorkerDeploymentVersion? version, string deprecated)
    {
        Namespaces.Get(ns);
        var v = version is { DeploymentName.Length: > 0 } ? version : VersionKeys.Parse(deprecated ?? "");
        if (v == null || v.BuildId.Length == 0)
            throw ServerErrors.InvalidArgument("DeploymentVersion needs a deployment name and a build id.");
        var d = Deployments.Get(ns, v.DeploymentName);
        if (d == null || !d.Versions.TryGetValue(v.BuildId, out var rec))
            throw ServerErrors.NotFound($"Worker deployment version {VersionKeys.Of(v)} not found: no worker of it has polled yet.");
        return (d, rec);
    }

    /// <summary>The build id a routing request names; null for the unversioned workers.</summary>
    private static string? BuildIdOf(string buildId, string deprecatedVersion, string deployment)
    {
        if (!string.IsNullOrEmpty(buildId)) return buildId;
        if (string.IsNullOrEmpty(deprecatedVersion) || deprecatedVersion == VersionKeys.Unversioned) return null;
        var v = VersionKeys.Parse(deprecatedVersion) ?? throw ServerErrors.InvalidArgument($"Invalid version '{deprecatedVersion}': expected '<deployment>.<build id>'.");
        if (v.DeploymentName != deployment) throw ServerErrors.InvalidArgument($"Version '{deprecatedVersion}' does not belong to deployment '{deployment}'.");
        return v.BuildId;
    }

    private DeploymentRecord DeploymentForRouting(string ns, string name, bool allowNoPollers, ByteString token)
    {
        Namespaces.Get(ns);
        Require(name, "DeploymentName");
        if (name.Contains('.')) throw ServerErrors.InvalidArgument($"Worker deployment name '{name}' must not contain a dot.");
        var d = Deployments.Get(ns, name);
        if (d == null)
        {
            if (!allowNoPollers) throw ServerErrors.NotFound($"Worker deployment '{name}' not found: no worker of it has polled yet (pass allow_no_pollers to set it up anyway).");
            d = new DeploymentRecord { Namespace = ns, Name = name, CreateTimeMs = Clock.NowMs() };
            Deployments.Put(d);
        }
        if (!token.IsEmpty && !token.Equals(TokenOf(d)))
            throw Precondition($"Worker deployment '{name}' changed since the conflict token was read; describe it again and retry.");
        return d;
    }

    private void EnsureVersion(DeploymentRecord d, string? build, bool allowNoPollers)
    {
        if (build == null || d.Versions.ContainsKey(build)) return;
        if (!allowNoPollers)
            throw ServerErrors.NotFound($"Worker deployment version {VersionKeys.Of(d.Name, build)} not found: no worker of it has polled yet (pass allow_no_pollers to route to it anyway).");
        Deployments.Change(() => d.Versions[build] = new VersionRecord { BuildId = build, CreateTimeMs = Clock.NowMs() });
    }

    /// <summary>Temporal's guard: a version taking over must poll every task queue the current version polls.</summary>
    private static void CheckTaskQueuesKept(DeploymentRecord d, VersionRecord from, VersionRecord to, string role)
    {
        var missing = from.TaskQueues.Where(q => !to.HasQueue(q.Name, q.Type)).Select(q => $"{q.Name} ({(TaskQueueType)q.Type})").ToList();
        if (missing.Count > 0)
            throw Precondition($"Version {VersionKeys.Of(d.Name, to.BuildId)} cannot become {role}: its workers do not poll task queue(s) {string.Join(", ", missing)} " +
                               $"that {VersionKeys.Of(d.Name, from.BuildId)} polls (pass ignore_missing_task_queues if that is intended).");
    }

    private static void Routed(DeploymentRecord d, string? identity)
    {
        d.Revision++;
        d.LastModifierIdentity = identity ?? "";
    }

    /// <summary>Persists a routing change and, once committed, offers every backlogged task of the deployment's queues to its new version.</summary>
    private void SaveRouting(Tx tx, DeploymentRecord d)
    {
        Deployments.Put(d);
        SaveDeployment(tx, d);
        var queues = d.Versions.Values.SelectMany(v => v.TaskQueues).Distinct().ToList();
        var ns = d.Namespace;
        tx.AfterCommit.Add(() =>
        {
            foreach (var q in queues)
            {
                RouteByVersion(ns, q.Name, q.Type);
                Matching.Rematch(ns, q.Name, q.Type);
            }
        });
    }

    /// <summary>Identities of the version's workers polling now or lately (and not shut down).</summary>
    private List<string> ActivePollers(string ns, string key, VersionRecord v)
    {
        var ids = Deployments.PollerIdentities(ns, key);
        if (ids.Count == 0) return new();
        var since = Clock.NowMs() - (long)Deployments.ActivePollerWindow.TotalMilliseconds;
        return v.TaskQueues.SelectMany(q => Matching.Pollers(ns, q.Name, q.Type))
            .Where(p => p.LastAccessMs >= since && ids.Contains(p.Identity)).Select(p => p.Identity).Distinct().ToList();
    }

    /// <summary>Open runs pinned to the version (they keep a version draining).</summary>
    private int OpenPinnedRuns(string ns, string key) =>
        cache.Values.Count(e => e.IsOpen && e.State.Namespace == ns && e.State.Versioning?.Pin == key);

    private WorkerDeploymentVersionStatus StatusOf(DeploymentRecord d, VersionRecord v)
    {
        if (d.CurrentBuildId == v.BuildId) return WorkerDeploymentVersionStatus.Current;
        if (d.RampingBuildId == v.BuildId) return WorkerDeploymentVersionStatus.Ramping;
        if (v.FirstActivationMs == null) return WorkerDeploymentVersionStatus.Inactive;
        return OpenPinnedRuns(d.Namespace, VersionKeys.Of(d.Name, v.BuildId)) > 0 ? WorkerDeploymentVersionStatus.Draining : WorkerDeploymentVersionStatus.Drained;
    }

    private VersionDrainageInfo? DrainageOf(DeploymentRecord d, VersionRecord v, WorkerDeploymentVersionStatus status)
    {
        if (status is not (WorkerDeploymentVersionStatus.Draining or WorkerDeploymentVersionStatus.Drained)) return null;
        return new VersionDrainageInfo
        {
            Status = status == WorkerDeploymentVersionStatus.Draining ? VersionDrainageStatus.Draining : VersionDrainageStatus.Drained,
            LastChangedTime = Clock.Ts(v.DrainageChangedMs ?? v.LastDeactivationMs ?? v.CreateTimeMs),
            LastCheckedTime = Clock.Ts(Clock.NowMs()),
        };
    }

    private static RoutingConfig Routing(DeploymentRecord d)
    {
        var rc = new RoutingConfig
        {
            CurrentVersion = d.CurrentBuildId == null ? VersionKeys.Unversioned : VersionKeys.Of(d.Name, d.CurrentBuildId),
            RampingVersion = d.RampingBuildId == null ? "" : d.RampingBuildId.Length == 0 ? VersionKeys.Unversioned : VersionKeys.Of(d.Name, d.RampingBuildId),
            RampingVersionPercentage = d.RampPercentage,
            RevisionNumber = d.Revision,
        };
        if (d.CurrentBuildId != null) rc.CurrentDeploymentVersion = VersionKeys.Proto(d.Name, d.CurrentBuildId);
        if (!string.IsNullOrEmpty(d.RampingBuildId)) rc.RampingDeploymentVersion = VersionKeys.Proto(d.Name, d.RampingBuildId);
        if (d.CurrentChangedMs is { } c) rc.CurrentVersionChangedTime = Clock.Ts(c);
        if (d.RampingChangedMs is { } rch) rc.RampingVersionChangedTime = Clock.Ts(rch);
        if (d.RampPercentageChangedMs is { } p) rc.RampingVersionPercentageChangedTime = Clock.Ts(p);
        return rc;
    }

    private WorkerDeploymentInfo DeploymentInfo(DeploymentRecord d)
    {
        var info = new WorkerDeploymentInfo
        {
            Name = d.Name,
            CreateTime = Clock.Ts(d.CreateTimeMs),
            RoutingConfig = Routing(d),
            LastModifierIdentity = d.LastModifierIdentity,
            ManagerIdentity = d.ManagerIdentity,
            RoutingConfigUpdateState = RoutingConfigUpdateState.Completed,
        };
        foreach (var v in d.Versions.Values.OrderBy(v => v.CreateTimeMs)) info.VersionSummaries.Add(Summary(d, v));
        return info;
    }

    private WorkerDeploymentInfo.Types.WorkerDeploymentVersionSummary Summary(DeploymentRecord d, VersionRecord v)
    {
        var status = StatusOf(d, v);
        var s = new WorkerDeploymentInfo.Types.WorkerDeploymentVersionSummary
        {
            Version = VersionKeys.Of(d.Name, v.BuildId),
            DeploymentVersion = VersionKeys.Proto(d.Name, v.BuildId),
            CreateTime = Clock.Ts(v.CreateTimeMs),
            Status = status,
            DrainageInfo = DrainageOf(d, v, status),
        };
        if (s.DrainageInfo != null) s.DrainageStatus = s.DrainageInfo.Status;
        if (v.CurrentSinceMs is { } cur) s.CurrentSinceTime = Clock.Ts(cur);
        if (v.RampingSinceMs is { } ramp) s.RampingSinceTime = Clock.Ts(ramp);
        if (v.RoutingChangedMs is { } routed) s.RoutingUpdateTime = Clock.Ts(routed);
        if (v.FirstActivationMs is { } first) s.FirstActivationTime = Clock.Ts(first);
        if (v.LastDeactivationMs is { } last) s.LastDeactivationTime = Clock.Ts(last);
        if (v.LastCurrentMs is { } lastCurrent) s.LastCurrentTime = Clock.Ts(lastCurrent);
        return s;
    }

    private WorkerDeploymentVersionInfo VersionInfo(DeploymentRecord d, VersionRecord v)
    {
        var status = StatusOf(d, v);
        var info = new WorkerDeploymentVersionInfo
        {
            Version = VersionKeys.Of(d.Name, v.BuildId),
            DeploymentName = d.Name,
            DeploymentVersion = VersionKeys.Proto(d.Name, v.BuildId),
            CreateTime = Clock.Ts(v.CreateTimeMs),
            Status = status,
            RampPercentage = status == WorkerDeploymentVersionStatus.Ramping ? d.RampPercentage : 0,
            DrainageInfo = DrainageOf(d, v, status),
            Metadata = MetadataOf(v),
            LastModifierIdentity = v.LastModifierIdentity,
        };
        foreach (var q in v.TaskQueues)
            info.TaskQueueInfos.Add(new WorkerDeploymentVersionInfo.Types.VersionTaskQueueInfo { Name = q.Name, Type = (TaskQueueType)q.Type });
        if (v.RoutingChangedMs is { } routed) info.RoutingChangedTime = Clock.Ts(routed);
        if (v.CurrentSinceMs is { } cur) info.CurrentSinceTime = Clock.Ts(cur);
        if (v.RampingSinceMs is { } ramp) info.RampingSinceTime = Clock.Ts(ramp);
        if (v.FirstActivationMs is { } first) info.FirstActivationTime = Clock.Ts(first);
        if (v.LastDeactivationMs is { } last) info.LastDeactivationTime = Clock.Ts(last);
        if (v.LastCurrentMs is { } lastCurrent) info.LastCurrentTime = Clock.Ts(lastCurrent);
        return info;
    }

    private static VersionMetadata MetadataOf(VersionRecord v)
    {
        var m = new VersionMetadata();
        foreach (var kv in v.Metadata) m.Entries[kv.Key] = Temporalio.Api.Common.V1.Payload.Parser.ParseFrom(kv.Value);
        return m;
    }

    /// <summary>The deployment options a poller of the task queue reported (DescribeTaskQueue), if it polls as a version.</summary>
    internal WorkerDeploymentOptions? PollerDeploymentOptions(string ns, string identity, string queue)
    {
        if (!Deployments.Any || Deployments.OwnerOf(ns, queue) is not { } d) return null;
        // Not under the engine lock (DescribeTaskQueue): read the record under the registry's.
        var build = Deployments.Change(() => d.Versions.Values.FirstOrDefault(v =>
            v.TaskQueues.Any(q => q.Name == queue) && Deployments.PollerIdentities(ns, VersionKeys.Of(d.Name, v.BuildId)).Contains(identity))?.BuildId);
        return build == null ? null
            : new WorkerDeploymentOptions { DeploymentName = d.Name, BuildId = build, WorkerVersioningMode = WorkerVersioningMode.Versioned };
    }
}
