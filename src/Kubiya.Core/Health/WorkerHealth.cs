using System;

namespace Kubiya.Core.Health
{
    /// <summary>
    /// One health heartbeat of a worker, as stored in the memo of its
    /// <see cref="WorkerHealthWorkflow"/> (so any machine on the namespace reads it).
    /// </summary>
    public sealed class WorkerHealth
    {
        /// <summary>Worker identity (<c>pid@host/suffix</c>).</summary>
        public string Identity { get; set; } = "";
        /// <summary>Queue it polls.</summary>
        public string Queue { get; set; } = "";
        /// <summary>Host name it reports (<c>WORKER_HOSTNAME</c> or the machine name).</summary>
        public string Host { get; set; } = "";
        /// <summary>Process id on its host.</summary>
        public int Pid { get; set; }
        /// <summary>Product version of the worker.</summary>
        public string Version { get; set; } = "";
        /// <summary><c>running</c> (a reader turns a silent one into <c>lost</c>).</summary>
        public string State { get; set; } = HealthNames.Running;
        /// <summary>When the worker started (UTC).</summary>
        public DateTimeOffset StartedAt { get; set; }
        /// <summary>When the worker sent this heartbeat (its clock).</summary>
        public DateTimeOffset ReportedAt { get; set; }
        /// <summary>When the server recorded it (the server's clock; what <c>Lost</c> is judged by).</summary>
        public DateTimeOffset RecordedAt { get; set; }
        /// <summary>Seconds between heartbeats.</summary>
        public double IntervalSeconds { get; set; }
        /// <summary>Seconds since start.</summary>
        public double UptimeSeconds { get; set; }
        /// <summary>CPU use of the process over the last interval, in percent of one core.</summary>
        public double CpuPercent { get; set; }
        /// <summary>Working set of the process in MiB.</summary>
        public double MemoryMb { get; set; }
        /// <summary>Tasks (steps, model and tool calls) running now.</summary>
        public int ActiveTasks { get; set; }
        /// <summary>Tasks that finished successfully.</summary>
        public long CompletedTasks { get; set; }
        /// <summary>Tasks that failed (each failed attempt).</summary>
        public long FailedTasks { get; set; }
        /// <summary>Average run time of finished tasks, in seconds.</summary>
        public double AvgDurationSeconds { get; set; }
        /// <summary>Concurrent task slots of the worker.</summary>
        public int Slots { get; set; }
    }
}
