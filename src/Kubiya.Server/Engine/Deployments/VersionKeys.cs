using System.Text;
using Temporalio.Api.Deployment.V1;

namespace Kubiya.Server.Engine.Deployments;

/// <summary>
/// How versions are named inside the server: Temporal's canonical "deployment.build" string
/// (a deployment name may not contain a dot), "" for unversioned workers.
/// </summary>
public static class VersionKeys
{
    /// <summary>Pin of a continue-as-new run whose first task goes to the ramping version (USE_RAMPING_VERSION).</summary>
    public const string RampingMarker = "\u0001ramping";

    /// <summary>Temporal's name for the unversioned workers in deprecated string fields.</summary>
    public const string Unversioned = "__unversioned__";

    public static string Of(string deployment, string buildId) => deployment + "." + buildId;

    public static string Of(WorkerDeploymentVersion v) => Of(v.DeploymentName, v.BuildId);

    /// <summary>The version a poller serves: its key when it polls with versioning on, else "".</summary>
    public static string OfPoller(WorkerDeploymentOptions? o) =>
        o is { WorkerVersioningMode: Temporalio.Api.Enums.V1.WorkerVersioningMode.Versioned } && o.DeploymentName.Length > 0 && o.BuildId.Length > 0
            ? Of(o.DeploymentName, o.BuildId) : "";

    public static WorkerDeploymentVersion Proto(string deployment, string buildId) => new() { DeploymentName = deployment, BuildId = buildId };

    /// <summary>Splits a key into deployment and build id; null for "" (unversioned).</summary>
    public static WorkerDeploymentVersion? Parse(string key)
    {
        var dot = key.IndexOf('.');
        return dot <= 0 ? null : Proto(key[..dot], key[(dot + 1)..]);
    }

    /// <summary>
    /// Where in [0, 100) a workflow id falls for ramping: a stable hash, so one workflow always
    /// lands on the same side of a ramp and 0 % / 100 % route exactly.
    /// </summary>
    public static double RampPoint(string workflowId)
    {
        uint h = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(workflowId)) { h ^= b; h *= 16777619; }
        return h / 4294967296.0 * 100.0;
    }
}
