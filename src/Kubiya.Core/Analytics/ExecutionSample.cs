using System;

namespace Kubiya.Core.Analytics
{
    /// <summary>What the statistics need of one execution (read from visibility: status, times, memo).</summary>
    public sealed class ExecutionSample
    {
        /// <summary>Product status (Pending, Running, WaitingForInput, Completed, Failed, Cancelled).</summary>
        public string Status { get; set; } = "";
        /// <summary>Agent or team name ("" when unknown).</summary>
        public string Agent { get; set; } = "";
        /// <summary>Queue.</summary>
        public string Queue { get; set; } = "";
        /// <summary>When it was created (queued).</summary>
        public DateTimeOffset CreatedAt { get; set; }
        /// <summary>When a worker first ran it.</summary>
        public DateTimeOffset? StartedAt { get; set; }
        /// <summary>When it closed.</summary>
        public DateTimeOffset? ClosedAt { get; set; }
    }
}
