namespace Kubiya.Core.Planning
{
    /// <summary>What to plan: the prompt and the placement the user asked for.</summary>
    public sealed record PlanningRequest
    {
        /// <summary>The task.</summary>
        public string Prompt { get; init; } = "";
        /// <summary>Queue the user named (null = choose one with live workers, or local).</summary>
        public string? Queue { get; init; }
        /// <summary>Run on an ephemeral local worker.</summary>
        public bool Local { get; init; }
        /// <summary>Environment name (null = configured).</summary>
        public string? Environment { get; init; }
        /// <summary>Model that plans (null = the configured KUBIYA_MODEL, or none: offline ranker).</summary>
        public string? Model { get; init; }
        /// <summary>Force the offline ranker even when a model is configured.</summary>
        public bool Offline { get; init; }
    }
}
