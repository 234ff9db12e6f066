using System.Collections.Concurrent;

namespace Kubiya.Server.Engine.Deployments;

/// <summary>
/// The worker deployments of every namespace, in memory (the database row of each is written in
/// the same transaction as the change). Changed only under the engine lock and this registry's
/// own lock; matching reads the routing under this lock alone, so a poll never waits for the engine.
/// </summary>
public sealed class DeploymentRegistry
{
    private readonly object sync = new();
    private readonly Dictionary<(string Ns, string Name), DeploymentRecord> deployments = new();
    /// <summary>Task queue → the deployment whose versions poll it (a queue belongs to one deployment).</summary>
    private readonly Dictionary<(string Ns, string Queue), string> queueOwner = new();
    /// <summary>Worker identities seen polling as each version (removed when the worker shuts down).</summary>
    private readonly ConcurrentDictionary<(string Ns, string Version), ConcurrentDictionary<string, byte>> identities = new();
    private volatile int count;

    /// <summary>How recently a poll must have been seen for a version to count as having pollers.</summary>
    public TimeSpan ActivePollerWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether any deployment exists (the fast path for servers without versioned workers).</summary>
    public bool Any => count > 0;

    public DeploymentRecord? Get(string ns, string name)
    {
        lock (sync) return deployments.GetValueOrDefault((ns, name));
    }

    public List<DeploymentRecord> All(string ns)
    {
        lock (sync) return deployments.Values.Where(d => d.Namespace == ns).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The deployment a task queue belongs to, if any.</summary>
    public DeploymentRecord? OwnerOf(string ns, string queue)
    {
        lock (sync) return queueOwner.TryGetValue((ns, queue), out var name) ? deployments.GetValueOrDefault((ns, name)) : null;
    }

    /// <summary>Adds or replaces a deployment (load, create, or after a change to its queues).</summary>
    public void Put(DeploymentRecord d)
    {
        lock (sync)
        {
            deployments[(d.Namespace, d.Name)] = d;
            foreach (var key in queueOwner.Where(kv => kv.Key.Ns == d.Namespace && kv.Value == d.Name).Select(kv => kv.Key).ToList())
                queueOwner.Remove(key);
            foreach (var v in d.Versions.Values)
                foreach (var q in v.TaskQueues) queueOwner[(d.Namespace, q.Name)] = d.Name;
            count = deployments.Count;
        }
    }

    public void Remove(string ns, string name)
    {
        lock (sync)
        {
            deployments.Remove((ns, name));
            foreach (var key in queueOwner.Where(kv => kv.Key.Ns == ns && kv.Value == name).Select(kv => kv.Key).ToList())
                queueOwner.Remove(key);
            count = deployments.Count;
        }
    }

    /// <summary>Runs a change to a deployment under the registry lock (callers hold the engine lock too).</summary>
    public T Change<T>(Func<T> change)
    {
        lock (sync) return change();
    }

    /// <summary>
    /// The version that new, unversioned and auto-upgrade work on the queue goes to: the ramping
    /// version for the workflow ids inside the ramp, the current one otherwise ("" = unversioned).
    /// </summary>
    public string Target(string ns, string queue, string workflowId)
    {
        lock (sync)
        {
            if (!queueOwner.TryGetValue((ns, queue), out var name) || !deployments.TryGetValue((ns, name), out var d)) return "";
            if (d.RampingBuildId != null && d.RampPercentage > 0 && VersionKeys.RampPoint(workflowId) < d.RampPercentage)
                return d.RampingBuildId.Length == 0 ? "" : VersionKeys.Of(d.Name, d.RampingBuildId);
            return d.CurrentBuildId == null ? "" : VersionKeys.Of(d.Name, d.CurrentBuildId);
        }
    }

    /// <summary>The queue's ramping version, or its current one when nothing ramps (continue-as-new USE_RAMPING_VERSION).</summary>
    public string RampingOrCurrent(string ns, string queue)
    {
        lock (sync)
        {
            if (!queueOwner.TryGetValue((ns, queue), out var name) || !deployments.TryGetValue((ns, name), out var d)) return "";
            var build = d.RampingBuildId ?? d.CurrentBuildId;
            return string.IsNullOrEmpty(build) ? "" : VersionKeys.Of(d.Name, build);
        }
    }

    /// <summary>Whether the version's workers poll the queue (with that task queue type).</summary>
    public bool VersionHasQueue(string ns, string versionKey, string queue, int type)
    {
        if (VersionKeys.Parse(versionKey) is not { } v) return false;
        lock (sync)
            return deployments.TryGetValue((ns, v.DeploymentName), out var d) && d.Versions.TryGetValue(v.BuildId, out var rec) && rec.HasQueue(queue, type);
    }

    /// <summary>Whether the version is known and already lists this queue (the poll fast path).</summary>
    public bool Knows(string ns, string deployment, string buildId, string queue, int type)
    {
        lock (sync)
            return deployments.TryGetValue((ns, deployment), out var d) && d.Versions.TryGetValue(buildId, out var v) && v.HasQueue(queue, type);
    }

    public void SawPoller(string ns, string versionKey, string identity) =>
        identities.GetOrAdd((ns, versionKey), _ => new())[identity ?? ""] = 0;

    /// <summary>A worker shut down: it no longer counts as a poller of any version.</summary>
    public void ForgetPoller(string ns, string identity)
    {
        foreach (var kv in identities)
            if (kv.Key.Ns == ns) kv.Value.TryRemove(identity ?? "", out _);
    }

    /// <summary>Identities seen polling as the version and not shut down since.</summary>
    public IReadOnlyCollection<string> PollerIdentities(string ns, string versionKey) =>
        identities.TryGetValue((ns, versionKey), out var set) ? set.Keys.ToList() : Array.Empty<string>();
}
