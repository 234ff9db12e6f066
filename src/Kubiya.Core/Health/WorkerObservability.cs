using System;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Metrics;
using Kubiya.Core.Workers;
using Microsoft.Extensions.Logging;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Worker.Interceptors;

namespace Kubiya.Core.Health
{
    /// <summary>
    /// Everything a worker reports about itself: task metrics (an interceptor), the health
    /// heartbeat record on Temporal, the probe files and the metrics endpoint. Ephemeral
    /// (<c>-Local</c>) workers only count their tasks: they neither heartbeat nor serve.
    /// </summary>
    public sealed class WorkerObservability : IDisposable
    {
        private readonly KubiyaSettings settings;
        private readonly WorkerHostOptions options;
        private readonly string identity;
        private readonly ILoggerFactory loggerFactory;
        private readonly ILogger logger;
        private readonly ProbeFiles probes;
        private readonly TaskMetricsInterceptor interceptor;
        private MetricsEndpoint? endpoint;
        private HealthReporter? reporter;
        private volatile WorkerState state = WorkerState.Starting;

        private WorkerObservability(KubiyaSettings settings, WorkerHostOptions options, string identity, ILoggerFactory loggerFactory)
        {
            this.settings = settings;
            this.options = options;
            this.identity = identity;
            this.loggerFactory = loggerFactory;
            logger = loggerFactory.CreateLogger("Kubiya.Worker");
            probes = new ProbeFiles(settings.Observability);
            interceptor = new TaskMetricsInterceptor(options.Queue);
        }

        /// <summary>The worker's task totals.</summary>
        public TaskCounters Counters => interceptor.Counters;

        /// <summary>True when this worker heartbeats (every worker but an ephemeral one).</summary>
        public bool Heartbeats => !options.Ephemeral;

        /// <summary>The product version reported in heartbeats.</summary>
        public static string ProductVersion
        {
            get
            {
                var v = typeof(WorkerObservability).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
                var plus = v.IndexOf('+');
                return plus < 0 ? v : v.Substring(0, plus);
            }
        }

        /// <summary>Prepares a worker's reporting; opens the metrics endpoint when enabled (before connecting, so a taken port fails fast).</summary>
        public static WorkerObservability Create(KubiyaSettings settings, WorkerHostOptions options, string identity, ILoggerFactory loggerFactory)
        {
            var o = new WorkerObservability(settings, options, identity, loggerFactory);
            if (settings.Observability.MetricsEnabled && !options.Ephemeral)
            {
                var sdk = SdkMetrics.TryEnable();
                if (sdk == null) o.logger.LogWarning("Temporal SDK metrics are not in /metrics: this process connected to Temporal before the worker started.");
                o.endpoint = MetricsEndpoint.Start(settings.Observability.MetricsBind, settings.Observability.MetricsPort, o.logger,
                    () => o.state == WorkerState.Starting || o.state == WorkerState.Running || o.state == WorkerState.Stopping,
                    () => o.state == WorkerState.Running, sdk);
            }
            return o;
        }

        /// <summary>Adds the task interceptor and, for heartbeating workers, the health record workflow.</summary>
        public void Configure(TemporalWorkerOptions workerOptions)
        {
            workerOptions.Interceptors = (workerOptions.Interceptors ?? Array.Empty<IWorkerInterceptor>()).Concat(new IWorkerInterceptor[] { interceptor }).ToList();
            // Every worker of a queue can close the record of a lost one, so all register it.
            if (Heartbeats) workerOptions.AddWorkflow<WorkerHealthWorkflow>();
        }

        /// <summary>Follows the worker's state: ready while polling; heartbeats start once it runs.</summary>
        public void OnState(WorkerState newState, ITemporalClient? client, DateTimeOffset startedAt)
        {
            state = newState;
            if (newState == WorkerState.Running)
            {
                WorkerMetrics.Info.WithLabels(options.Queue, identity, ProductVersion).Set(1);
                Try(() => probes.Ready(true));
                if (Heartbeats && client != null && reporter == null)
                {
                    reporter = new HealthReporter(client, new WorkerHealth
                    {
                        Identity = identity,
                        Queue = options.Queue,
                        Host = settings.EffectiveWorkerHostname,
                        Pid = Process.GetCurrentProcess().Id,
                        Version = ProductVersion,
                        StartedAt = startedAt.ToUniversalTime(),
                        Slots = options.MaxConcurrentActivities ?? settings.MaxConcurrentActivities,
                    }, HeartbeatIntervals.Effective(settings), Counters, probes, logger);
                    reporter.Start();
                }
            }
            else if (newState != WorkerState.Starting)
            {
                Try(() => probes.Ready(false));
            }
        }

        /// <summary>After the worker stopped: closes its health record and removes the probe files.</summary>
        public async Task StoppedAsync()
        {
            if (reporter != null) await reporter.StopAsync().ConfigureAwait(false);
            reporter = null;
            WorkerMetrics.Info.RemoveLabelled(options.Queue, identity, ProductVersion);
            Try(probes.Clear);
        }

        private void Try(Action a)
        {
            try { a(); }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                logger.LogWarning("Could not update a probe file: {Reason}", ex.Message);
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            endpoint?.Dispose();
            endpoint = null;
        }
    }
}
