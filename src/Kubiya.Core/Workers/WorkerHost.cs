using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Activities;
using Kubiya.Core.Agents.Llm.Loop;
using Kubiya.Core.Configuration;
using Kubiya.Core.Connection;
using Kubiya.Core.Errors;
using Kubiya.Core.Logging;
using Kubiya.Core.Workflows;
using Microsoft.Extensions.Logging;
using Temporalio.Worker;
using Kubiya.Core.Security;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// A Temporal worker for one queue: hosts <see cref="ExecutionWorkflow"/> and
    /// <see cref="StepActivities"/>, logs to <c>~/.kubiya/workers/QUEUE/logs/worker.log</c>
    /// (and an optional sink), and stops gracefully.
    /// </summary>
    public sealed class WorkerHost : IDisposable
    {
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly ILoggerFactory loggerFactory;
        private readonly ILogger logger;
        private readonly KubiyaSettings settings;
        private readonly WorkerHostOptions options;
        private StepActivities? activities;
        private TemporalWorker? worker;
        private Task completion = Task.CompletedTask;
        private int state = (int)WorkerState.Starting;
        private string? activeKey;
        private IDisposable? coreLog;
        private LlmWorkerServices? ownedLlm;
        private Health.WorkerObservability? observability;

        // The SDK refuses two workers for one queue in one process; say so in our own words.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> ActiveQueues =
            new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        private WorkerHost(KubiyaSettings settings, WorkerHostOptions options)
        {
            this.settings = settings;
            this.options = options;
            Queue = options.Queue;
            Identity = $"{System.Diagnostics.Process.GetCurrentProcess().Id}@{settings.EffectiveWorkerHostname}/{Guid.NewGuid().ToString("N").Substring(0, 6)}";
            LogFile = settings.Paths.WorkerLogFile(options.Queue);
            loggerFactory = KubiyaLogging.Create(settings, options.Console, options.FileLogging ? LogFile : null, options.LogSink);
            logger = loggerFactory.CreateLogger("Kubiya.Worker");
        }

        /// <summary>Queue polled.</summary>
        public string Queue { get; }

        /// <summary>Identity reported to the server and recorded on executions.</summary>
        public string Identity { get; }

        /// <summary>The worker's log file.</summary>
        public string LogFile { get; }

        /// <summary>When it started.</summary>
        public DateTimeOffset StartedAt { get; } = DateTimeOffset.Now;

        /// <summary>Current state.</summary>
        public WorkerState State => (WorkerState)Volatile.Read(ref state);

        /// <summary>Why it failed, when <see cref="State"/> is Failed.</summary>
        public Exception? Error { get; private set; }

        /// <summary>A logger writing where this worker logs (its console, file and sink).</summary>
        public ILogger CreateLogger(string category) => loggerFactory.CreateLogger(category);

        /// <summary>Steps running now.</summary>
        public int ActiveSteps => activities?.ActiveSteps ?? 0;

        /// <summary>Steps finished so far.</summary>
        public long CompletedSteps => activities?.CompletedSteps ?? 0;

        /// <summary>Ends when the worker has stopped (never faults).</summary>
        public Task Completion => completion;

        /// <summary>Raised on every state change.</summary>
        public event Action<WorkerHost>? StateChanged;

        /// <summary>Connects and starts polling; returns once the worker runs.</summary>
        public static async Task<WorkerHost> StartAsync(KubiyaSettings settings, WorkerHostOptions options, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(options.Queue))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "QueueRequired", "A worker needs a queue id.", null);
            // Every kind of worker (job, -Wait, -Local, CLI foreground, daemon) starts here: one check for all.
            WorkerPaths.ValidateQueueId(options.Queue);
            Metrics.WorkerMetrics.WarmUp();
            var host = new WorkerHost(settings, options);
            try
            {
                await host.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                host.Dispose();
                throw;
            }
            return host;
        }

        private async Task StartCoreAsync(CancellationToken ct)
        {
            var key = $"{settings.EffectiveAddress}|{settings.Namespace}|{Queue}";
            if (!ActiveQueues.TryAdd(key, Identity))
                throw new KubiyaException(KubiyaErrorKind.InvalidState, "WorkerAlreadyRunning",
                    $"A worker for queue '{Queue}' already runs in this process ({ActiveQueues[key]}); one per queue and process is enough, it runs steps concurrently.", Queue);
            activeKey = key;
            coreLog = CoreRuntime.Listen(loggerFactory.CreateLogger("Temporalio.Core"));
            WriteQueueMarker();
            observability = Health.WorkerObservability.Create(settings, options, Identity, loggerFactory);
            var connection = await TemporalConnector.ConnectAsync(settings, loggerFactory, ct).ConfigureAwait(false);
            activities = new StepActivities(connection.Client, Identity, settings.StepHeartbeatInterval, loggerFactory.CreateLogger("Kubiya.Steps"))
            {
                DefaultWorkingDirectory = options.DefaultWorkingDirectory,
                WithheldVariables = Secrets.ProductSecrets.EnvironmentNames(settings.Paths),
            };
            var workerOptions = new TemporalWorkerOptions(Queue)
            {
                Identity = Identity,
                MaxConcurrentActivities = options.MaxConcurrentActivities ?? settings.MaxConcurrentActivities,
                MaxConcurrentWorkflowTasks = options.MaxConcurrentWorkflows ?? settings.MaxConcurrentWorkflows,
                GracefulShutdownTimeout = options.GracefulShutdown,
                LoggerFactory = loggerFactory,
            };
            workerOptions.AddWorkflow<ExecutionWorkflow>();
            workerOptions.AddAllActivities(activities);
            workerOptions.AddAllActivities(new Schedules.ScheduledAgentResolver(settings, options.DefaultWorkingDirectory,
                () => Executions.SearchAttributeSupport.IsAvailableAsync(connection, CancellationToken.None)));
            var llm = options.LlmServices ?? (ownedLlm = LlmWorkerServices.Create(settings, options, loggerFactory));
            workerOptions.AddAllActivities(new LlmActivities(connection.Client, llm.Gateway, llm.Tools, llm.ListMcpTools, Identity,
                settings.StepHeartbeatInterval, loggerFactory.CreateLogger("Kubiya.Agents"))
            {
                DefaultWorkingDirectory = options.DefaultWorkingDirectory,
            });
            observability.Configure(workerOptions);
            var reporting = observability;
            StateChanged += h => reporting.OnState(h.State, connection.Client, h.StartedAt);
            worker = new TemporalWorker(connection.Client, workerOptions);
            completion = RunAsync(worker, connection);
            SetState(WorkerState.Running);
        }

        private async Task RunAsync(TemporalWorker w, KubiyaConnection connection)
        {
            // Let the caller's StartAsync return before the worker's first poll blocks this thread.
            await Task.Yield();
            logger.LogInformation("Worker {Identity} polling queue '{Queue}' on {Address} (namespace {Namespace})", Identity, Queue, connection.Address, connection.Namespace);
            try
            {
                await w.ExecuteAsync(stop.Token).ConfigureAwait(false);
                SetState(WorkerState.Stopped);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                SetState(WorkerState.Stopped);
            }
            catch (Exception ex)
            {
                Error = ex;
                logger.LogError(ex, "Worker {Identity} failed", Identity);
                SetState(WorkerState.Failed);
            }
            if (observability != null) await observability.StoppedAsync().ConfigureAwait(false);
            logger.LogInformation("Worker {Identity} stopped ({Completed} step(s) run)", Identity, CompletedSteps);
            // The server lists this poller for minutes more; listings on this machine know better.
            StoppedWorkers.Record(settings.Paths, Queue, Identity, DateTimeOffset.UtcNow);
            // MCP servers the agents' tools started end with the worker (in ReleaseQueue).
            ReleaseQueue();
        }

        private void ReleaseQueue()
        {
            ownedLlm?.Dispose();
            ownedLlm = null;
            coreLog?.Dispose();
            coreLog = null;
            if (activeKey != null) ActiveQueues.TryRemove(activeKey, out _);
            activeKey = null;
        }

        /// <summary>Stops polling, lets running steps finish within the grace period, and waits.</summary>
        public async Task StopAsync()
        {
            if (State == WorkerState.Running || State == WorkerState.Starting) SetState(WorkerState.Stopping);
            stop.Cancel();
            await completion.ConfigureAwait(false);
            if (options.Ephemeral) RemoveQueueFolder();
        }

        private void SetState(WorkerState s)
        {
            Volatile.Write(ref state, (int)s);
            StateChanged?.Invoke(this);
        }

        private void WriteQueueMarker()
        {
            var dir = settings.Paths.WorkerDirectory(Queue);
            OwnerOnly.Folder(settings.Paths.Home);
            OwnerOnly.Folder(settings.Paths.WorkersDirectory);
            OwnerOnly.Folder(dir);
            OwnerOnly.WriteAllText(Path.Combine(dir, "queue.txt"), Queue);
        }

        private void RemoveQueueFolder()
        {
            loggerFactory.Dispose();
            try
            {
                Directory.Delete(settings.Paths.WorkerDirectory(Queue), recursive: true);
            }
            catch (IOException)
            {
                // A file still held open elsewhere; the folder is reused if the queue returns.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            observability?.Dispose();
            ReleaseQueue();
            stop.Cancel();
            worker?.Dispose();
            loggerFactory.Dispose();
            stop.Dispose();
        }
    }
}
