namespace Kubiya.Core.Configuration
{
    /// <summary>Values given as parameters; they win over the file and the environment.</summary>
    public sealed record SettingsOverrides
    {
        /// <summary>Temporal address.</summary>
        public string? TemporalAddress { get; init; }
        /// <summary>Temporal namespace.</summary>
        public string? Namespace { get; init; }
        /// <summary>Default queue.</summary>
        public string? Queue { get; init; }
        /// <summary>Concurrent steps per worker.</summary>
        public int? MaxConcurrentActivities { get; init; }
        /// <summary>Concurrent workflow tasks per worker.</summary>
        public int? MaxConcurrentWorkflows { get; init; }
        /// <summary>Environment name.</summary>
        public string? Environment { get; init; }
        /// <summary>Folder of the embedded server.</summary>
        public string? EmbeddedServerPath { get; init; }
    }
}
