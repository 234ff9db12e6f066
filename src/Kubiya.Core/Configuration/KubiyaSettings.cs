using System;

namespace Kubiya.Core.Configuration
{
    /// <summary>
    /// The effective configuration: <c>config.yaml</c>, overridden by environment variables,
    /// overridden by parameters (see <see cref="SettingsLoader"/>).
    /// </summary>
    public sealed record KubiyaSettings
    {
        /// <summary>Temporal frontend <c>host:port</c>; null means the embedded server on loopback.</summary>
        public string? TemporalAddress { get; init; }

        /// <summary>Temporal namespace.</summary>
        public string Namespace { get; init; } = "default";

        /// <summary>API key sent as a bearer token (Temporal Cloud or a remote embedded server).</summary>
        public string? ApiKey { get; init; }

        /// <summary>Use TLS to reach the Temporal frontend.</summary>
        public bool Tls { get; init; }

        /// <summary>Client certificate (PEM) for mutual TLS.</summary>
        public string? TlsCertPath { get; init; }

        /// <summary>Client private key (PEM) for mutual TLS.</summary>
        public string? TlsKeyPath { get; init; }

        /// <summary>Root CA (PEM) that signs the server certificate.</summary>
        public string? TlsCaPath { get; init; }

        /// <summary>Default queue for executions and workers.</summary>
        public string? Queue { get; init; }

        /// <summary>How often a running step heartbeats to Temporal (<c>STEP_HEARTBEAT_INTERVAL</c>, <c>stepHeartbeatInterval</c>).</summary>
        public TimeSpan StepHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

        /// <summary>
        /// How often a worker reports its health (<c>HEARTBEAT_INTERVAL</c>, <c>heartbeatInterval</c>;
        /// 15–300 s, default 30); a worker silent for three intervals is <c>Lost</c>.
        /// </summary>
        public TimeSpan WorkerHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

        /// <summary>Worker metrics, probes and probe files.</summary>
        public Health.ObservabilitySettings Observability { get; init; } = new Health.ObservabilitySettings();

        /// <summary>Default timeout of one step.</summary>
        public TimeSpan ActivityTimeout { get; init; } = TimeSpan.FromHours(1);

        /// <summary>Concurrent steps per worker.</summary>
        public int MaxConcurrentActivities { get; init; } = 10;

        /// <summary>Concurrent workflow tasks per worker.</summary>
        public int MaxConcurrentWorkflows { get; init; } = 10;

        /// <summary>Host name a worker reports; defaults to the machine name.</summary>
        public string? WorkerHostname { get; init; }

        /// <summary>Environment name recorded on executions.</summary>
        public string? Environment { get; init; }

        /// <summary>Model for LLM agents.</summary>
        public string? Model { get; init; }

        /// <summary>
        /// Model turns of an llm agent per workflow run before the conversation continues as new
        /// (<c>KUBIYA_LLM_CONTINUE_AS_NEW_TURNS</c>, <c>llmContinueAsNewTurns</c>); keeps history small.
        /// </summary>
        public int LlmContinueAsNewTurns { get; init; } = 40;

        /// <summary>Minimum log level (Trace, Debug, Information, Warning, Error).</summary>
        public string LogLevel { get; init; } = "Information";

        /// <summary>A worker's <c>worker.log</c> rotates beyond this size (<c>logging.max_size_bytes</c>; default 100 MB).</summary>
        public long LogMaxBytes { get; init; } = 100 * 1024 * 1024;

        /// <summary>Rotated worker logs kept (<c>logging.max_backups</c>; default 5).</summary>
        public int LogMaxBackups { get; init; } = 5;

        /// <summary>How <c>kubiya worker start</c> runs a worker when <c>--type</c> is not given (local, daemon, docker, kubernetes).</summary>
        public string? DeploymentType { get; init; }

        /// <summary><c>kubiya worker start</c> starts a daemon when <c>--daemon</c> is not given (<c>daemon_mode</c>).</summary>
        public bool DaemonMode { get; init; }

        /// <summary>Warnings about the configuration files (keys that mean nothing here), one line each.</summary>
        public System.Collections.Generic.IReadOnlyList<string> Notices { get; init; } = System.Array.Empty<string>();

        /// <summary>Debug output requested (<c>KUBIYA_DEBUG</c>).</summary>
        public bool Debug { get; init; }

        /// <summary>Never prompt (<c>KUBIYA_NON_INTERACTIVE</c>).</summary>
        public bool NonInteractive { get; init; }

        /// <summary>Port the embedded server is started on when no address is configured.</summary>
        public int EmbeddedServerPort { get; init; } = 7233;

        /// <summary>Folder holding the embedded server; null means next to the runtime.</summary>
        public string? EmbeddedServerPath { get; init; }

        /// <summary>
        /// How long a local run's ephemeral queue may go without a poller before the next command
        /// that reads the run ends it (<c>KUBIYA_LOCAL_RUN_GRACE</c>, seconds; default 60).
        /// </summary>
        public TimeSpan LocalRunGrace { get; init; } = TimeSpan.FromSeconds(60);

        /// <summary>Where the configuration and agents live.</summary>
        public KubiyaPaths Paths { get; init; } = KubiyaPaths.FromEnvironment();

        /// <summary>The address used: the configured one or the embedded server's loopback port.</summary>
        public string EffectiveAddress => TemporalAddress ?? $"127.0.0.1:{EmbeddedServerPort}";

        /// <summary>The host name a worker reports.</summary>
        public string EffectiveWorkerHostname => string.IsNullOrWhiteSpace(WorkerHostname) ? System.Environment.MachineName : WorkerHostname!;
    }
}
