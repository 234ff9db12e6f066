namespace Kubiya.Server.Engine.Deployments;

/// <summary>
/// A worker deployment as persisted: its versions and its routing (which version gets new and
/// auto-upgrade work, which one a share of it). Created when its first versioned worker polls,
/// as in Temporal. Serialized as JSON into one row of the worker_deployments table.
/// </summary>
public sealed class DeploymentRecord
{
    public string Namespace { get; set; } = "";
    public string Name { get; set; } = "";
    public long CreateTimeMs { get; set; }
    /// <summary>Build id of the current version; null: unversioned workers are current.</summary>
    public string? CurrentBuildId { get; set; }
    /// <summary>Build id of the ramping version; "" ramps to unversioned workers; null: no ramp.</summary>
    public string? RampingBuildId { get; set; }
    public float RampPercentage { get; set; }
    public long? CurrentChangedMs { get; set; }
    public long? RampingChangedMs { get; set; }
    public long? RampPercentageChangedMs { get; set; }
    public string LastModifierIdentity { get; set; } = "";
    /// <summary>The only client identity allowed to change the deployment's routing ("": anyone); SetWorkerDeploymentManager.</summary>
    public string ManagerIdentity { get; set; } = "";
    /// <summary>Request id of the CreateWorkerDeployment that created it ("": created by a poll or routing), so a retried create succeeds.</summary>
    public string CreateRequestId { get; set; } = "";
    /// <summary>Grows with every routing change; the conflict token is its decimal form.</summary>
    public long Revision { get; set; }
    public Dictionary<string, VersionRecord> Versions { get; set; } = new();

    /// <summary>Whether routing applies at all (a versioned current or any ramp).</summary>
    public bool HasRouting => CurrentBuildId != null || RampingBuildId != null;
}

/// <summary>One worker deployment version: the task queues its workers poll, its routing history and metadata.</summary>
public sealed class VersionRecord
{
    public string BuildId { get; set; } = "";
    public long CreateTimeMs { get; set; }
    public long? RoutingChangedMs { get; set; }
    public long? CurrentSinceMs { get; set; }
    public long? RampingSinceMs { get; set; }
    public long? FirstActivationMs { get; set; }
    public long? LastDeactivationMs { get; set; }
    public long? LastCurrentMs { get; set; }
    public long? DrainageChangedMs { get; set; }
    public string LastModifierIdentity { get; set; } = "";
    /// <summary>Request id of the CreateWorkerDeploymentVersion that created it, so a retried create succeeds.</summary>
    public string CreateRequestId { get; set; } = "";
    /// <summary>Task queues polled by this version's workers: (name, TaskQueueType number).</summary>
    public List<VersionQueue> TaskQueues { get; set; } = new();
    /// <summary>User metadata: key → temporal.api.common.v1.Payload bytes.</summary>
    public Dictionary<string, byte[]> Metadata { get; set; } = new();

    public bool HasQueue(string name, int type) => TaskQueues.Any(q => q.Name == name && q.Type == type);
}

/// <summary>A task queue (and its type) polled by a version's workers.</summary>
public sealed record VersionQueue(string Name, int Type);
