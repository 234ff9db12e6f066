using System;
using Kubiya.Core.Configuration.WorkerConfig;

namespace Kubiya.Core.Configuration
{
    public static partial class SettingsLoader
    {
        /// <summary>
        /// The bottom layer: Kubiya's <c>worker-config.yaml</c>, beneath config.yaml, the environment
        /// and parameters. Its ignored keys become one notice for the fronts to show.
        /// </summary>
        internal static KubiyaSettings ApplyWorkerConfig(KubiyaSettings s, Func<string, string?> env) =>
            ApplyWorkerConfig(s, WorkerConfigFile.Read(s.Paths.WorkerConfigFile, env));

        internal static KubiyaSettings ApplyWorkerConfig(KubiyaSettings s, WorkerConfigValues? w)
        {
            if (w == null) return s;
            var daemon = w.DaemonMode ?? (w.DeploymentType == "daemon" ? true : (bool?)null);
            return s with
            {
                Queue = w.Queue ?? s.Queue,
                TemporalAddress = w.TemporalAddress ?? s.TemporalAddress,
                Namespace = w.Namespace ?? s.Namespace,
                LogLevel = w.LogLevel ?? s.LogLevel,
                LogMaxBytes = w.LogMaxBytes ?? s.LogMaxBytes,
                LogMaxBackups = w.LogMaxBackups ?? s.LogMaxBackups,
                MaxConcurrentActivities = w.MaxConcurrentActivities ?? s.MaxConcurrentActivities,
                MaxConcurrentWorkflows = w.MaxConcurrentWorkflows ?? s.MaxConcurrentWorkflows,
                ActivityTimeout = w.ActivityTimeout ?? s.ActivityTimeout,
                WorkerHeartbeatInterval = w.HeartbeatInterval ?? s.WorkerHeartbeatInterval,
                DeploymentType = w.DeploymentType ?? s.DeploymentType,
                DaemonMode = daemon ?? s.DaemonMode,
                Notices = w.IgnoredKeysNotice is { } notice ? new[] { notice } : s.Notices,
            };
        }
    }
}
