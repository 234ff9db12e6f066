using System;
using System.Collections.Generic;

namespace Kubiya.Core.Executions
{
    /// <summary>Which executions to list.</summary>
    public sealed record ExecutionFilter
    {
        /// <summary>Any of these statuses (empty = all).</summary>
        public IReadOnlyList<ExecutionStatus> Statuses { get; init; } = Array.Empty<ExecutionStatus>();
        /// <summary>Agent name.</summary>
        public string? Agent { get; init; }
        /// <summary>Started by this schedule.</summary>
        public string? Schedule { get; init; }
        /// <summary>Queue.</summary>
        public string? Queue { get; init; }
        /// <summary>Created at or after.</summary>
        public DateTimeOffset? Since { get; init; }
        /// <summary>At most this many (newest first).</summary>
        public int? First { get; init; }
    }
}
