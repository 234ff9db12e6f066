using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// How <c>worker start</c> runs a worker: the options given, else the configured
    /// <c>deployment_type</c> / <c>daemon_mode</c> (Kubiya's worker-config.yaml or config.yaml).
    /// </summary>
    public enum WorkerStartMode
    {
        /// <summary>A worker process in the foreground.</summary>
        Foreground,
        /// <summary>A detached, supervised daemon.</summary>
        Daemon,
        /// <summary>The worker image through the docker CLI.</summary>
        Docker,
    }

    /// <summary>Picks the <see cref="WorkerStartMode"/>.</summary>
    public static class WorkerStartModes
    {
        /// <summary>The mode for <paramref name="type"/> (local, docker or null) and <paramref name="daemon"/> (null when not given).</summary>
        public static WorkerStartMode From(string? type, bool? daemon, KubiyaSettings settings)
        {
            var configured = settings.DeploymentType;
            if (type == null && configured == "kubernetes")
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "KubernetesDeployment",
                    "deployment_type is kubernetes: print the manifests with `kubiya worker install --queue-id Q` for `kubectl apply -f -`, or pass --type local.", configured);
            var effective = type ?? (configured == "docker" ? "docker" : "local");
            if (effective == "docker") return WorkerStartMode.Docker;
            var wantDaemon = daemon ?? (settings.DaemonMode || configured == "daemon");
            return wantDaemon ? WorkerStartMode.Daemon : WorkerStartMode.Foreground;
        }
    }
}
