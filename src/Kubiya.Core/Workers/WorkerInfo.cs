using System;

namespace Kubiya.Core.Workers
{
    /// <summary>A worker as users see it: one of this session's, or a poller the server reports.</summary>
    public sealed class WorkerInfo
    {
        /// <summary>Queue it polls.</summary>
        public string QueueId { get; set; } = "";
        /// <summary>Identity reported to the server.</summary>
        public string Identity { get; set; } = "";
        /// <summary><c>Job</c> (this session) or <c>Server</c> (reported by the server).</summary>
        public string Source { get; set; } = "";
        /// <summary>State (Running, Stopped...); <c>Polling</c> for server-reported pollers.</summary>
        public string State { get; set; } = "";
        /// <summary>Job id, for this session's workers.</summary>
        public int? JobId { get; set; }
        /// <summary>When it started (this session's workers).</summary>
        public DateTimeOffset? StartedAt { get; set; }
        /// <summary>When the server last saw it poll.</summary>
        public DateTimeOffset? LastAccessTime { get; set; }
        /// <summary>Steps running now (this session's workers).</summary>
        public int? ActiveSteps { get; set; }
        /// <summary>Steps run so far (this session's workers).</summary>
        public long? CompletedSteps { get; set; }
        /// <summary>Log file (this session's workers).</summary>
        public string? LogFile { get; set; }
    }
}
