using System;
using System.Collections.Generic;

namespace Kubiya.Core.Configuration.WorkerConfig
{
    /// <summary>
    /// What <c>worker-config.yaml</c> (the Kubiya worker guide's file) sets that means something
    /// here; every value is optional, already expanded and checked.
    /// </summary>
    public sealed record WorkerConfigValues
    {
        /// <summary>The file the values came from.</summary>
        public string Path { get; init; } = "";
        /// <summary><c>queue_id</c> / <c>temporal.task_queue</c>: the queue (Temporal task queue).</summary>
        public string? Queue { get; init; }
        /// <summary><c>deployment_type</c>: local, daemon, docker or kubernetes.</summary>
        public string? DeploymentType { get; init; }
        /// <summary><c>daemon_mode</c>.</summary>
        public bool? DaemonMode { get; init; }
        /// <summary><c>heartbeat_interval</c> (15–300 s).</summary>
        public TimeSpan? HeartbeatInterval { get; init; }
        /// <summary><c>temporal.host</c>: <c>host:port</c> of the Temporal frontend.</summary>
        public string? TemporalAddress { get; init; }
        /// <summary><c>temporal.namespace</c>.</summary>
        public string? Namespace { get; init; }
        /// <summary><c>logging.level</c>, as a Microsoft.Extensions.Logging level name.</summary>
        public string? LogLevel { get; init; }
        /// <summary><c>logging.max_size_bytes</c>.</summary>
        public long? LogMaxBytes { get; init; }
        /// <summary><c>logging.max_backups</c>.</summary>
        public int? LogMaxBackups { get; init; }
        /// <summary><c>resources.max_concurrent_activities</c>.</summary>
        public int? MaxConcurrentActivities { get; init; }
        /// <summary><c>resources.max_concurrent_workflows</c>.</summary>
        public int? MaxConcurrentWorkflows { get; init; }
        /// <summary><c>resources.activity_timeout</c> (<c>"300s"</c>, <c>"5m"</c> or seconds).</summary>
        public TimeSpan? ActivityTimeout { get; init; }
        /// <summary>Keys of the file that mean nothing here (control plane, its API key, ...), dotted.</summary>
        public IReadOnlyList<string> IgnoredKeys { get; init; } = Array.Empty<string>();

        /// <summary>The one warning line about <see cref="IgnoredKeys"/>; null when there are none.</summary>
        public string? IgnoredKeysNotice => IgnoredKeys.Count == 0 ? null
            : $"{Path}: {string.Join(", ", IgnoredKeys)} {(IgnoredKeys.Count == 1 ? "means" : "mean")} nothing here and {(IgnoredKeys.Count == 1 ? "is" : "are")} ignored " +
              "(there is no Kubiya control plane: workers reach Temporal directly; a Temporal API key goes in KUBIYA_API_KEY or config.yaml temporal.apiKey).";
    }
}
