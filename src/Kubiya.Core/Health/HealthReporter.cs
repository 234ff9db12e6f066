using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Metrics;
using Microsoft.Extensions.Logging;
using Temporalio.Client;

namespace Kubiya.Core.Health
{
    /// <summary>
    /// Sends a worker's health heartbeat every interval (a signal-with-start of its
    /// <see cref="WorkerHealthWorkflow"/>), refreshes the liveness file and writes the
    /// <c>Metrics: ...</c> line to the worker log. A heartbeat that cannot reach Temporal is
    /// logged and the next one tried; the worker keeps running.
    /// </summary>
    internal sealed class HealthReporter
    {
        private readonly ITemporalClient client;
        private readonly WorkerHealth identity;
        private readonly TimeSpan interval;
        private readonly TaskCounters counters;
        private readonly ProbeFiles probes;
        private readonly ILogger logger;
        private readonly ProcessUsage usage = new ProcessUsage();
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private Task loop = Task.CompletedTask;

        public HealthReporter(ITemporalClient client, WorkerHealth identity, TimeSpan interval, TaskCounters counters, ProbeFiles probes, ILogger logger)
        {
            this.client = client;
            this.identity = identity;
            this.interval = interval;
            this.counters = counters;
            this.probes = probes;
            this.logger = logger;
        }

        private string WorkflowId => HealthNames.WorkflowId(identity.Queue, identity.Identity);

        public void Start() => loop = Task.Run(() => RunAsync(stop.Token));

        private async Task RunAsync(CancellationToken ct)
        {
            while (!ct.IsCancellationRequested)
            {
                await BeatAsync(ct).ConfigureAwait(false);
                try { await Task.Delay(interval, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }

        private async Task BeatAsync(CancellationToken ct)
        {
            var now = DateTimeOffset.UtcNow;
            var (cpu, memory) = usage.Sample();
            var health = new WorkerHealth
            {
                Identity = identity.Identity,
                Queue = identity.Queue,
                Host = identity.Host,
                Pid = identity.Pid,
                Version = identity.Version,
                StartedAt = identity.StartedAt,
                Slots = identity.Slots,
                ReportedAt = now,
                IntervalSeconds = interval.TotalSeconds,
                UptimeSeconds = Math.Round((now - identity.StartedAt).TotalSeconds, 1),
                CpuPercent = cpu,
                MemoryMb = memory,
                ActiveTasks = counters.Active,
                CompletedTasks = counters.Completed,
                FailedTasks = counters.Failed,
                AvgDurationSeconds = Math.Round(counters.AverageSeconds, 3),
            };
            try
            {
                probes.Alive(now);
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                logger.LogWarning("Could not write the liveness file: {Reason}", ex.Message);
            }
            logger.LogInformation(string.Format(CultureInfo.InvariantCulture, "Metrics: tasks_completed={0}, avg_duration={1:0.0}s, memory_mb={2:0}",
                health.CompletedTasks, health.AvgDurationSeconds, health.MemoryMb));
            var clock = Stopwatch.StartNew();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(5, interval.TotalSeconds)));
                var start = new WorkflowOptions(WorkflowId, identity.Queue) { Rpc = new RpcOptions { CancellationToken = timeout.Token } };
                start.SignalWithStart((WorkerHealthWorkflow wf) => wf.BeatAsync(health));
                await client.StartWorkflowAsync((WorkerHealthWorkflow wf) => wf.RunAsync(null), start).ConfigureAwait(false);
                WorkerMetrics.HeartbeatLatency.WithLabels(identity.Queue).Observe(clock.Elapsed.TotalSeconds);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Health heartbeat not delivered: {Reason}", Errors.RpcErrors.Translate(ex, identity.Queue).Message);
            }
            catch (Exception)
            {
                // Stopping: the record is closed next.
            }
        }

        /// <summary>Stops heartbeating and closes the record: a stopped worker is no longer listed.</summary>
        public async Task StopAsync()
        {
            stop.Cancel();
            await loop.ConfigureAwait(false);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.GetWorkflowHandle(WorkflowId).TerminateAsync("worker stopped",
                    new WorkflowTerminateOptions { Rpc = new RpcOptions { CancellationToken = timeout.Token } }).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Unreachable server: the record shows Lost after three intervals, as it should.
                logger.LogDebug("Health record not closed: {Reason}", ex.Message);
            }
            stop.Dispose();
        }
    }
}
