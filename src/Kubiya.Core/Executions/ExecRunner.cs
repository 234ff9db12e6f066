using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Logs;
using Kubiya.Core.Workers;

namespace Kubiya.Core.Executions
{
    /// <summary>Callbacks of <see cref="ExecRunner.RunAsync"/>; all optional.</summary>
    public sealed class ExecObserver
    {
        /// <summary>The execution was submitted.</summary>
        public Action<ExecutionInfo>? Submitted { get; set; }
        /// <summary>A log entry arrived (live).</summary>
        public Action<LogEntry>? Log { get; set; }
        /// <summary>Something the user should know.</summary>
        public Action<string>? Warning { get; set; }
        /// <summary>
        /// Answers a question (an approval step) when the front can ask someone, e.g. an interactive
        /// prompt; null (or a null answer) when nobody here can answer. See <see cref="ApprovalGate"/>.
        /// </summary>
        public Func<LogEntry, CancellationToken, Task<string?>>? Answer { get; set; }
    }

    /// <summary>
    /// <c>exec</c>: submits an execution to a queue, or with Local to an ephemeral queue served by
    /// a worker started for it; streams its log as it happens, waits for the end, and cleans up.
    /// </summary>
    public sealed class ExecRunner
    {
        private readonly KubiyaRuntime runtime;

        /// <summary>Creates the runner.</summary>
        public ExecRunner(KubiyaRuntime runtime) => this.runtime = runtime;

        /// <summary>
        /// The model list given for a local run is read by the worker in this process, whose log the
        /// user does not see: its warnings (a key written in the file, a provider that is skipped) and
        /// why it cannot be read are told here instead.
        /// </summary>
        private static void WarnAboutModelConfig(ExecutionRequest request, KubiyaSettings settings, ExecObserver observer)
        {
            if (observer.Warning == null || (request.ModelConfigPath ?? request.ModelConfigJson) == null) return;
            try
            {
                var catalog = Agents.Llm.Models.ModelCatalog.Load(new Agents.Llm.Models.ModelCatalogOptions { ConfigFile = request.ModelConfigPath, ConfigJson = request.ModelConfigJson },
                    settings.Paths, Environment.GetEnvironmentVariable);
                foreach (var warning in catalog.Warnings) observer.Warning(warning);
            }
            catch (KubiyaException ex)
            {
                observer.Warning($"{ex.Message.TrimEnd('.')}. Every model call of this run fails with {ex.ErrorId}.");
            }
        }

        /// <summary>Runs <paramref name="request"/>; agents are looked up from <paramref name="lookupDirectory"/>.</summary>
        public async Task<ExecutionInfo> RunAsync(ExecutionRequest request, string lookupDirectory, ExecObserver observer,
            ILocalWorkerLauncher? launcher, CancellationToken cancellationToken)
        {
            if (request.Local && request.NoWait)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "LocalNoWait", "{-NoWait} cannot be combined with {-Local}: the local worker stops when the command returns.", null);
            // Checked up front: a runbook would never read it, so a mistyped path would pass unnoticed.
            if (request.Local && request.ModelConfigPath is { } models && !File.Exists(models))
                throw new KubiyaException(KubiyaErrorKind.NotFound, "ModelConfigNotFound", $"Model configuration file '{Path.GetFullPath(models)}' does not exist.", models);
            var settings = runtime.Settings;
            if (request.Local) WarnAboutModelConfig(request, settings, observer);
            var queue = request.Local ? "local-" + Guid.NewGuid().ToString("N").Substring(0, 12) : QueueFor(request);
            WorkerPaths.ValidateQueueId(queue); // before any advice about the queue's workers
            var executions = await runtime.ExecutionsAsync(cancellationToken).ConfigureAwait(false);
            if (request.Local) request = request with { WorkingDirectory = request.WorkingDirectory ?? lookupDirectory };

            ILocalWorker? worker = null;
            ExecutionInfo? started = null;
            IDisposable? served = null;
            try
            {
                if (request.Local)
                {
                    // The worker starts while the execution is submitted to its queue: both pay
                    // one-time costs (the worker's definitions; the agent lookup and the input's
                    // serialisation) that overlap instead of adding up.
                    var starting = (launcher ?? new InProcessWorkerLauncher()).StartAsync(settings,
                        new WorkerHostOptions { Queue = queue, Ephemeral = true, ModelConfigPath = request.ModelConfigPath, ModelConfigJson = request.ModelConfigJson },
                        cancellationToken);
                    var submitting = executions.StartAsync(request, queue, lookupDirectory, cancellationToken, observer.Warning);
                    try
                    {
                        worker = await starting.ConfigureAwait(false);
                    }
                    catch
                    {
                        await EndUnservedAsync(executions, submitting).ConfigureAwait(false);
                        throw;
                    }
                    // A failed submission stops the worker (finally).
                    started = await submitting.ConfigureAwait(false);
                }
                else
                {
                    if ((request.ModelConfigPath ?? request.ModelConfigJson) != null)
                        observer.Warning?.Invoke("The model configuration is only used by a local worker; a queued execution uses the configuration of the worker that runs it.");
                    await WarnIfNoWorkerAsync(queue, observer, cancellationToken).ConfigureAwait(false);
                    started = await executions.StartAsync(request, queue, lookupDirectory, cancellationToken, observer.Warning).ConfigureAwait(false);
                }
                // Ended on process exit if still open then: nothing else will serve its queue.
                if (worker != null) served = LocalRuns.Register(started.Id, executions);
                observer.Submitted?.Invoke(started);
                if (request.NoWait) return started;
                var logs = await runtime.LogsAsync(cancellationToken).ConfigureAwait(false);
                using var following = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var gate = new ApprovalGate(executions, request, observer, following);
                try
                {
                    await logs.ReadAsync(started.Id, follow: true, e => { observer.Log?.Invoke(e); gate.OnEntry(e); }, following.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && (gate.Failure != null || gate.HandedBack))
                {
                    // The gate stopped following: see below.
                }
                if (gate.Failure != null)
                {
                    // Nobody will answer once this process ends: end it now, saying why.
                    await TerminateQuietlyAsync(executions, started.Id, gate.Failure.Message).ConfigureAwait(false);
                    throw gate.Failure;
                }
                return await executions.GetAsync(started.Id, true, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (worker != null && started != null)
            {
                // Interrupted: nothing would ever serve the ephemeral queue again, so cancel the
                // execution while its worker can still record that.
                await CancelQuietlyAsync(executions, started.Id).ConfigureAwait(false);
                throw;
            }
            finally
            {
                served?.Dispose();
                if (worker != null) await worker.StopAsync().ConfigureAwait(false);
            }
        }

        /// <summary>
        /// What <see cref="RunAsync"/> would run for a direct-mode <paramref name="request"/> (agent,
        /// steps or model and tools, queue and its pollers), without submitting anything.
        /// </summary>
        public async Task<ExecPreview> PreviewAsync(ExecutionRequest request, string lookupDirectory, Action<string>? warning, CancellationToken cancellationToken)
        {
            var target = DirectTarget.Resolve(runtime.Settings, request, lookupDirectory, warning);
            var preview = new ExecPreview { Target = target, Prompt = request.Prompt, AutoApprove = request.AutoApprove };
            if (request.Local) return preview;
            preview.Queue = QueueFor(request);
            try
            {
                preview.Pollers = await runtime.LivePollerCountAsync(preview.Queue, cancellationToken).ConfigureAwait(false);
            }
            catch (KubiyaException)
            {
                // Unknown then; the preview still says what would run.
            }
            return preview;
        }

        private string QueueFor(ExecutionRequest request) =>
            request.Queue ?? runtime.Settings.Queue ?? throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "QueueRequired",
                "No queue: name one ({-Queue}), set QUEUE_ID (or 'queue' in config.yaml), or run it here ({-Local}).", null);

        private async Task WarnIfNoWorkerAsync(string queue, ExecObserver observer, CancellationToken ct)
        {
            if (observer.Warning == null) return;
            try
            {
                if (await runtime.LivePollerCountAsync(queue, ct).ConfigureAwait(false) == 0)
                    observer.Warning($"No worker polls queue '{queue}' right now; the execution stays Pending until one starts ({{Start-KubiyaWorker}} {{-QueueId}} {queue}).");
            }
            catch (KubiyaException)
            {
                // Only a hint; the start itself reports real problems.
            }
        }

        /// <summary>
        /// The local worker did not start: nothing would ever serve the ephemeral queue, so an
        /// execution submitted meanwhile is terminated, saying why (a failed submission needs nothing).
        /// </summary>
        private static async Task EndUnservedAsync(ExecutionService executions, Task<ExecutionInfo> submitting)
        {
            ExecutionInfo submitted;
            try
            {
                submitted = await submitting.ConfigureAwait(false);
            }
            catch (Exception)
            {
                return;
            }
            await TerminateQuietlyAsync(executions, submitted.Id, "Its local worker did not start.").ConfigureAwait(false);
        }

        private static async Task CancelQuietlyAsync(ExecutionService executions, string id)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                // The worker is still ours: it kills the step at its next heartbeat and records Cancelled.
                await executions.CancelAsync(id, cts.Token).ConfigureAwait(false);
                await executions.WaitAsync(id, TimeSpan.FromSeconds(12), null, cts.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception)
            {
                // Not closed in time: terminate below, since nothing serves its queue once we return.
            }
            await TerminateQuietlyAsync(executions, id, "Interrupted, and its local worker could not record the cancellation in time.").ConfigureAwait(false);
        }

        private static async Task TerminateQuietlyAsync(ExecutionService executions, string id, string reason)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await executions.TerminateAsync(id, reason, cts.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Best effort: the next command that reads it ends it.
            }
        }
    }
}
