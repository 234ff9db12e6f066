namespace Kubiya.Core.Configuration
{
    /// <summary>The shape of <c>~/.kubiya/config.yaml</c>; every key is optional.</summary>
    internal sealed class ConfigFile
    {
        public TemporalSection? Temporal { get; set; }
        public string? ApiKey { get; set; }
        public string? Queue { get; set; }
        public double? HeartbeatInterval { get; set; }
        public double? StepHeartbeatInterval { get; set; }
        public double? ActivityTimeout { get; set; }
        public int? MaxConcurrentActivities { get; set; }
        public int? MaxConcurrentWorkflows { get; set; }
        public string? WorkerHostname { get; set; }
        public string? Environment { get; set; }
        public string? Model { get; set; }
        public int? LlmContinueAsNewTurns { get; set; }
        public string? LogLevel { get; set; }
        public long? LogMaxSizeBytes { get; set; }
        public int? LogMaxBackups { get; set; }
        public string? DeploymentType { get; set; }
        public bool? DaemonMode { get; set; }
        public bool? Debug { get; set; }
        public bool? NonInteractive { get; set; }
        public ServerSection? Server { get; set; }

        internal sealed class TemporalSection
        {
            public string? Address { get; set; }
            public string? Namespace { get; set; }
            public string? ApiKey { get; set; }
            public bool? Tls { get; set; }
            public string? TlsCert { get; set; }
            public string? TlsKey { get; set; }
            public string? TlsCa { get; set; }
        }

        internal sealed class ServerSection
        {
            public int? Port { get; set; }
            public string? Path { get; set; }
        }
    }
}
