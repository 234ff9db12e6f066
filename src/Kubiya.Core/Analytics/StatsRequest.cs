using System;

namespace Kubiya.Core.Analytics
{
    /// <summary>Which executions to summarise: those created in [<see cref="Since"/>, <see cref="Until"/>).</summary>
    public sealed record StatsRequest
    {
        /// <summary>Start of the window.</summary>
        public DateTimeOffset Since { get; init; }
        /// <summary>End of the window; null = now.</summary>
        public DateTimeOffset? Until { get; init; }
        /// <summary>How rows are split.</summary>
        public StatsGrouping By { get; init; } = StatsGrouping.None;
        /// <summary>Only this queue.</summary>
        public string? Queue { get; init; }
        /// <summary>Only this agent (or team).</summary>
        public string? Agent { get; init; }
    }
}
