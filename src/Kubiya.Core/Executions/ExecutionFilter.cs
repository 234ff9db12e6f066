using System;
using System.Collections.Generic;

namespace Kubiya.Core.Executions
{
    /// <summary>Which executions to list.</summary>
    public sealed record ExecutionFilter
    {
        /// <summary>Any of these statuses (empty = all).</summary>
        public IReadOnlyList<string> Statuses { get; init; } = Array.Empty<string>();
        /// <summary>Agent name.</summary>
        public string? Agent { get; init; }
        /// <summary>Team name (executions of a team, not of its members run alone).</summary>
        public string? Team { get; init; }
        /// <summary>Started by this schedule.</summary>
        public string? Schedule { get; init; }
        /// <summary>Queue.</summary>
        public string? Queue { get; init; }
        /// <summary>Created at or after.</summary>
        public DateTimeOffset? Since { get; init; }
        /// <summary>At most this many (newest first), after <see cref="Skip"/>.</summary>
        public int? First { get; init; }
        /// <summary>Leave out this many of the newest matching ones first (paging with <see cref="First"/>).</summary>
        public int Skip { get; init; }
    }
}
