using Prometheus;

namespace Kubiya.Core.Metrics
{
    /// <summary>
    /// The worker's Prometheus metrics (prometheus-net, default registry, so the process and
    /// .NET runtime metrics come along). Every series carries the queue.
    /// </summary>
    public static class WorkerMetrics
    {
        private static int warming;

        /// <summary>
        /// Creates the metrics (and prometheus-net's registry, ~25 ms the first time) on a pool
        /// thread, so a starting worker pays for them beside connecting instead of after it.
        /// </summary>
        public static void WarmUp()
        {
            if (System.Threading.Interlocked.Exchange(ref warming, 1) == 1) return;
            System.Threading.ThreadPool.QueueUserWorkItem(_ =>
            {
                try
                {
                    System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(WorkerMetrics).TypeHandle);
                }
                catch (System.Exception)
                {
                    // Only a head start: the first real use reports the failure.
                }
            });
        }

        private static readonly double[] DurationBuckets = { 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600 };

        /// <summary>Tasks (activities: steps, model turns, tool calls) finished, by type and outcome.</summary>
        public static readonly Counter Tasks = Prometheus.Metrics.CreateCounter(
            "kubiya_worker_tasks_total", "Tasks the worker finished, by task type and outcome.",
            new CounterConfiguration { LabelNames = new[] { "queue", "task", "outcome" } });

        /// <summary>Task run time.</summary>
        public static readonly Histogram TaskDuration = Prometheus.Metrics.CreateHistogram(
            "kubiya_worker_task_duration_seconds", "Run time of the worker's tasks, by task type and outcome.",
            new HistogramConfiguration { LabelNames = new[] { "queue", "task", "outcome" }, Buckets = DurationBuckets });

        /// <summary>Time a task waited on its queue (started − scheduled).</summary>
        public static readonly Histogram QueueWait = Prometheus.Metrics.CreateHistogram(
            "kubiya_worker_task_queue_wait_seconds", "Time tasks waited on the queue before this worker started them.",
            new HistogramConfiguration { LabelNames = new[] { "queue", "task" }, Buckets = DurationBuckets });

        /// <summary>Tasks running now.</summary>
        public static readonly Gauge ActiveTasks = Prometheus.Metrics.CreateGauge(
            "kubiya_worker_active_tasks", "Tasks running on the worker now.",
            new GaugeConfiguration { LabelNames = new[] { "queue" } });

        /// <summary>Executions finished on this worker, by agent and outcome.</summary>
        public static readonly Counter Executions = Prometheus.Metrics.CreateCounter(
            "kubiya_executions_total", "Executions that finished on this worker, by agent and outcome.",
            new CounterConfiguration { LabelNames = new[] { "queue", "agent", "outcome" } });

        /// <summary>Execution run time (start to close).</summary>
        public static readonly Histogram ExecutionDuration = Prometheus.Metrics.CreateHistogram(
            "kubiya_execution_duration_seconds", "Run time of executions that finished on this worker, by agent and outcome.",
            new HistogramConfiguration { LabelNames = new[] { "queue", "agent", "outcome" }, Buckets = DurationBuckets });

        /// <summary>Latency of the health heartbeat RPC.</summary>
        public static readonly Histogram HeartbeatLatency = Prometheus.Metrics.CreateHistogram(
            "kubiya_worker_heartbeat_latency_seconds", "Latency of the worker's health heartbeat call to Temporal.",
            new HistogramConfiguration { LabelNames = new[] { "queue" }, Buckets = new[] { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5 } });

        /// <summary>1 per running worker, with its identity and version.</summary>
        public static readonly Gauge Info = Prometheus.Metrics.CreateGauge(
            "kubiya_worker_info", "A running worker (value 1) with its identity and version.",
            new GaugeConfiguration { LabelNames = new[] { "queue", "identity", "version" } });
    }
}
