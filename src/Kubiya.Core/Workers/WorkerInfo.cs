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
        /// <summary><c>Job</c> (this session), <c>Heartbeat</c> (its health record on Temporal) or <c>Server</c> (a poller the server reports).</summary>
        public string Source { get; set; } = "";
        /// <summary>State (Running, Stopped...); <c>Polling</c> for server-reported pollers; <c>Lost</c> for a heartbeat silent for 3 intervals.</summary>
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
        /// <summary>Host the worker runs on (heartbeats).</summary>
        public string? Host { get; set; }
        /// <summary>Process id on its host (heartbeats).</summary>
        public int? Pid { get; set; }
        /// <summary>Worker version (heartbeats).</summary>
        public string? Version { get; set; }
        /// <summary>Time since the worker started, at its last heartbeat.</summary>
        public TimeSpan? Uptime { get; set; }
        /// <summary>CPU use over the last interval, percent of one core (heartbeats).</summary>
        public double? CpuPercent { get; set; }
        /// <summary>Working set in MiB (heartbeats).</summary>
        public double? MemoryMb { get; set; }
        /// <summary>Steps (and model or tool calls) that failed (heartbeats).</summary>
        public long? FailedSteps { get; set; }
        /// <summary>Average run time of finished steps, in seconds (heartbeats).</summary>
        public double? AvgDurationSeconds { get; set; }
        /// <summary>Concurrent step slots (heartbeats).</summary>
        public int? Slots { get; set; }
        /// <summary>When the server recorded the last heartbeat.</summary>
        public DateTimeOffset? LastHeartbeat { get; set; }
        /// <summary>Where it serves its web UI (address only; the token is in its log), while it does.</summary>
        public string? WebUI { get; set; }
    }
}
