using System.Linq;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Agents;
using Kubiya.Core.Configuration;
using Kubiya.Core.Connection;
using Kubiya.Core.Executions;
using Kubiya.Core.Logs;
using Kubiya.Core.Workers;

namespace Kubiya.Core
{
    /// <summary>
    /// The entry point every front uses: settings, the (cached) Temporal connection, and the
    /// services over it. Cheap to create per command.
    /// </summary>
    public sealed class KubiyaRuntime
    {
        /// <summary>Creates a runtime over explicit settings.</summary>
        public KubiyaRuntime(KubiyaSettings settings) => Settings = settings;

        /// <summary>Loads settings (file &lt; environment &lt; <paramref name="overrides"/>) and creates a runtime.</summary>
        public static KubiyaRuntime Create(SettingsOverrides? overrides = null) => new KubiyaRuntime(SettingsLoader.Load(overrides));

        /// <summary>The effective settings.</summary>
        public KubiyaSettings Settings { get; }

        /// <summary>Connects (starting the embedded server when nothing is configured).</summary>
        public Task<KubiyaConnection> ConnectAsync(CancellationToken cancellationToken) =>
            TemporalConnector.ConnectAsync(Settings, null, cancellationToken);

        /// <summary>The execution service.</summary>
        public async Task<ExecutionService> ExecutionsAsync(CancellationToken cancellationToken) =>
            new ExecutionService(await ConnectAsync(cancellationToken).ConfigureAwait(false), Settings);

        /// <summary>The log reader.</summary>
        public async Task<LogReader> LogsAsync(CancellationToken cancellationToken) =>
            new LogReader(await ConnectAsync(cancellationToken).ConfigureAwait(false));

        /// <summary>Schedules on the configured Temporal (embedded server started when needed).</summary>
        public async Task<Schedules.ScheduleService> SchedulesAsync(CancellationToken cancellationToken) =>
            new Schedules.ScheduleService(await ConnectAsync(cancellationToken).ConfigureAwait(false), Settings);

        /// <summary>The exec orchestration.</summary>
        public ExecRunner Exec => new ExecRunner(this);

        /// <summary>The agents seen from <paramref name="workingDirectory"/>.</summary>
        public AgentCatalog Agents(string workingDirectory) => AgentCatalog.Load(Settings.Paths, workingDirectory);

        /// <summary>Starts a worker.</summary>
        public Task<WorkerHost> StartWorkerAsync(WorkerHostOptions options, CancellationToken cancellationToken) =>
            WorkerHost.StartAsync(Settings, options, cancellationToken);

        /// <summary>Queues this machine has run workers for.</summary>
        public IReadOnlyList<string> KnownQueues() => WorkerDirectory.KnownQueues(Settings.Paths);

        /// <summary>
        /// Pollers the server reports for a queue, those this machine knows stopped marked
        /// <see cref="StoppedWorkers.StoppedState"/> (the server lists a poller for minutes after it left).
        /// </summary>
        public async Task<IReadOnlyList<WorkerInfo>> PollersAsync(string queue, CancellationToken cancellationToken) =>
            StoppedWorkers.Mark(await WorkerDirectory.PollersAsync(await ConnectAsync(cancellationToken).ConfigureAwait(false), queue, cancellationToken).ConfigureAwait(false),
                Settings.Paths, Settings.EffectiveWorkerHostname);

        /// <summary>
        /// Workers' last health heartbeats on the namespace (of one queue, when given); silent ones
        /// are <c>Lost</c>, and those of this host whose process is gone (kill -9) <c>Stopped</c> at once.
        /// </summary>
        public async Task<IReadOnlyList<WorkerInfo>> WorkerHealthAsync(string? queue, CancellationToken cancellationToken) =>
            StoppedWorkers.Mark(await Health.WorkerHealthReader.ListAsync(await ConnectAsync(cancellationToken).ConfigureAwait(false), queue, System.DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false),
                Settings.Paths, Settings.EffectiveWorkerHostname);

        /// <summary>Execution analytics (counts, success rate, throughput, durations, queue wait, utilisation).</summary>
        public async Task<IReadOnlyList<Analytics.ExecutionMetric>> ExecutionStatsAsync(Analytics.StatsRequest request, CancellationToken cancellationToken) =>
            await new Analytics.ExecutionStatsService(await ConnectAsync(cancellationToken).ConfigureAwait(false)).ComputeAsync(request, cancellationToken).ConfigureAwait(false);

        /// <summary>How many workers poll a queue now (those known to have stopped left out).</summary>
        public async Task<int> LivePollerCountAsync(string queue, CancellationToken cancellationToken) =>
            (await PollersAsync(queue, cancellationToken).ConfigureAwait(false)).Count(p => p.State != StoppedWorkers.StoppedState);
    }
}
