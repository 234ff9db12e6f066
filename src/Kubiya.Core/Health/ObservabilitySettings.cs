namespace Kubiya.Core.Health
{
    /// <summary>
    /// Where a worker exposes its health: the Prometheus endpoint (with <c>/healthz</c> and
    /// <c>/readyz</c>) and the probe files containers check.
    /// </summary>
    public sealed record ObservabilitySettings
    {
        /// <summary>The port of <c>/metrics</c> when nothing is configured.</summary>
        public const int DefaultMetricsPort = 9090;

        /// <summary>The liveness file containers check when probe files are on without a path.</summary>
        public const string DefaultAliveFile = "/tmp/worker-alive";

        /// <summary>The readiness file containers check when probe files are on without a path.</summary>
        public const string DefaultReadyFile = "/tmp/worker-ready";

        /// <summary>Serve <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> (<c>METRICS_ENABLED</c>, <c>metrics.enabled</c>).</summary>
        public bool MetricsEnabled { get; init; }

        /// <summary>Port of the metrics endpoint (<c>METRICS_PORT</c>); fixed: a port in use is an error.</summary>
        public int MetricsPort { get; init; } = DefaultMetricsPort;

        /// <summary>
        /// Address the endpoint binds (<c>METRICS_BIND</c>); loopback unless opened, e.g. <c>0.0.0.0</c>
        /// in a pod (read-only data without secrets).
        /// </summary>
        public string MetricsBind { get; init; } = "127.0.0.1";

        /// <summary>Liveness file, touched each heartbeat (<c>WORKER_ALIVE_FILE</c>); null = none.</summary>
        public string? AliveFile { get; init; }

        /// <summary>Readiness file, present while the worker polls (<c>WORKER_READY_FILE</c>); null = none.</summary>
        public string? ReadyFile { get; init; }

        /// <summary>
        /// Test-only: a heartbeat interval below the documented 15 s minimum
        /// (<c>KUBIYA_TEST_HEARTBEAT_INTERVAL</c>, seconds). Not a user setting; null = <c>HEARTBEAT_INTERVAL</c>.
        /// </summary>
        public System.TimeSpan? TestHeartbeatInterval { get; init; }
    }
}
