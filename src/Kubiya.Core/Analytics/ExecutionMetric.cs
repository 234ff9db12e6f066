using System;

namespace Kubiya.Core.Analytics
{
    /// <summary>
    /// Execution analytics over a window: counts, success rate, throughput, durations, queue wait
    /// and worker utilisation, for every execution or one group (agent, queue or status).
    /// </summary>
    public sealed class ExecutionMetric
    {
        /// <summary><c>All</c>, <c>Agent</c>, <c>Queue</c> or <c>Status</c>.</summary>
        public string GroupBy { get; set; } = "All";
        /// <summary>The group's value (<c>*</c> for every execution).</summary>
        public string Key { get; set; } = "*";
        /// <summary>Start of the window (executions created from then on).</summary>
        public DateTimeOffset Since { get; set; }
        /// <summary>End of the window.</summary>
        public DateTimeOffset Until { get; set; }
        /// <summary>Executions created in the window.</summary>
        public long Total { get; set; }
        /// <summary>Completed ones.</summary>
        public long Completed { get; set; }
        /// <summary>Failed ones (timed out included).</summary>
        public long Failed { get; set; }
        /// <summary>Cancelled ones (terminated included).</summary>
        public long Cancelled { get; set; }
        /// <summary>Still open: pending, running or waiting for input.</summary>
        public long Open { get; set; }
        /// <summary>Completed / finished, in percent; null when none finished.</summary>
        public double? SuccessRate { get; set; }
        /// <summary>Finished executions per hour of the window.</summary>
        public double ThroughputPerHour { get; set; }
        /// <summary>Finished executions per day of the window.</summary>
        public double ThroughputPerDay { get; set; }
        /// <summary>Run time (started or created to closed) of finished executions.</summary>
        public TimeSpan? DurationAvg { get; set; }
        /// <summary>Shortest run time.</summary>
        public TimeSpan? DurationMin { get; set; }
        /// <summary>Longest run time.</summary>
        public TimeSpan? DurationMax { get; set; }
        /// <summary>Median run time.</summary>
        public TimeSpan? DurationP50 { get; set; }
        /// <summary>95th percentile run time.</summary>
        public TimeSpan? DurationP95 { get; set; }
        /// <summary>Average time queued before a worker started it (started − created).</summary>
        public TimeSpan? QueueWaitAvg { get; set; }
        /// <summary>Median queue wait.</summary>
        public TimeSpan? QueueWaitP50 { get; set; }
        /// <summary>95th percentile queue wait.</summary>
        public TimeSpan? QueueWaitP95 { get; set; }
        /// <summary>Worker slots (concurrent steps) of the workers heartbeating now; null when none does.</summary>
        public int? Slots { get; set; }
        /// <summary>Busy time (executions running inside the window) / (slots × window), in percent; null without slots.</summary>
        public double? WorkerUtilisation { get; set; }
        /// <summary>True when the counts came from the server (CountWorkflowExecutions with GROUP BY ExecutionStatus).</summary>
        public bool ServerCounted { get; set; }
    }
}
