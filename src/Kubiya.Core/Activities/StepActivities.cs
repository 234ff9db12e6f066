using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Agents;
using Kubiya.Core.Secrets;
using Kubiya.Core.Workflows;
using Microsoft.Extensions.Logging;
using Temporalio.Activities;
using Temporalio.Client;
using Temporalio.Exceptions;
using Kubiya.Core.Processes;

namespace Kubiya.Core.Activities
{
    /// <summary>
    /// The activities a worker runs: one command per call, heartbeating while it runs so a dead
    /// worker's step is retried on another worker, and streaming output through <see cref="LogBatcher"/>.
    /// </summary>
    public sealed class StepActivities
    {
        /// <summary>Error type of failures that retrying on another worker cannot fix.</summary>
        public const string NonRetryableErrorType = "KubiyaStepError";

        private const int ErrorTailLines = 5;
        private readonly ITemporalClient client;
        private readonly string identity;
        private readonly TimeSpan heartbeatInterval;
        private readonly ILogger logger;
        private int active;
        private long completed;

        /// <summary>Creates the activities of one worker.</summary>
        public StepActivities(ITemporalClient client, string identity, TimeSpan heartbeatInterval, ILogger logger)
        {
            this.client = client;
            this.identity = identity;
            this.heartbeatInterval = heartbeatInterval;
            this.logger = logger;
        }

        /// <summary>Folder for steps that name none; null = the process's current folder.</summary>
        public string? DefaultWorkingDirectory { get; set; }

        /// <summary>
        /// The product's own credentials (Kubiya and model API keys) withheld from steps' environment
        /// unless a step's <c>env</c> names them.
        /// </summary>
        public ISet<string> WithheldVariables { get; set; } = new HashSet<string>(ProductSecrets.WellKnown, StringComparer.OrdinalIgnoreCase);

        /// <summary>Steps running now.</summary>
        public int ActiveSteps => Volatile.Read(ref active);

        /// <summary>Steps finished since the worker started.</summary>
        public long CompletedSteps => Interlocked.Read(ref completed);

        /// <summary>Runs one shell or PowerShell command; its outcome is reported so that it survives a server outage.</summary>
        [Activity(WorkflowNames.RunStepActivity)]
        public Task<StepResult> RunStepAsync(StepRequest request) => OutcomeReporter.RunAsync(client, logger, () => RunStepCoreAsync(request));

        private async Task<StepResult> RunStepCoreAsync(StepRequest request)
        {
            var ctx = ActivityExecutionContext.Current;
            var cwd = ResolveDirectory(request.WorkingDirectory);
            // History holds ${env:NAME} references only; the values exist here, for this run.
            var env = ResolveEnv(request.Step, request.Env);
            var masker = SecretMasker.ForStep(request.Env, env);
            Interlocked.Increment(ref active);
            var watch = Stopwatch.StartNew();
            var errorTail = new Queue<string>();
            using var batcher = new LogBatcher(client, request.ExecutionId, request.Step, request.Attempt, identity, logger, ctx.Info.Attempt);
            // A retry (the previous worker stopped answering) gets its own start in the log.
            if (ctx.Info.Attempt > 1) batcher.Add(FirstLine(request.Command), false, LogLine.StartedKind);
            void OnLine(string line, bool isError)
            {
                line = masker.Apply(line);
                batcher.Add(line, isError);
                if (!isError) return;
                lock (errorTail)
                {
                    errorTail.Enqueue(line);
                    while (errorTail.Count > ErrorTailLines) errorTail.Dequeue();
                }
            }
            logger.LogInformation("{Execution} step '{Step}' run {Attempt} (activity attempt {ActivityAttempt}) started: {Command}",
                request.ExecutionId, request.Step, request.Attempt, ctx.Info.Attempt, FirstLine(request.Command));
            using var heartbeatStop = new CancellationTokenSource();
            var heartbeats = HeartbeatAsync(ctx, batcher, heartbeatStop.Token);
            var result = new StepResult { Worker = identity };
            try
            {
                var timeout = TimeSpan.FromSeconds(request.TimeoutSeconds > 0 ? request.TimeoutSeconds : 3600);
                try
                {
                    result.ExitCode = await RunCommandAsync(request, cwd, env, OnLine, timeout, ctx.CancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException ex)
                {
                    OnLine($"[kubiya] {ex.Message}", true);
                    result.ExitCode = -1;
                    result.TimedOut = true;
                }
                catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is ApplicationFailureException))
                {
                    // The command could not be started at all (missing program, no runspace...):
                    // another worker would fail the same way, so do not retry.
                    throw new ApplicationFailureException($"Could not run step '{request.Step}' on {identity}: {ex.Message}", NonRetryableErrorType, nonRetryable: true);
                }
            }
            catch (OperationCanceledException)
            {
                OnLine("[kubiya] step cancelled", true);
                logger.LogInformation("{Execution} step '{Step}' cancelled", request.ExecutionId, request.Step);
                throw;
            }
            finally
            {
                heartbeatStop.Cancel();
                await heartbeats.ConfigureAwait(false);
                await batcher.CompleteAsync().ConfigureAwait(false);
                Interlocked.Decrement(ref active);
                Interlocked.Increment(ref completed);
            }
            result.DurationMs = watch.ElapsedMilliseconds;
            result.Lines = batcher.Total;
            lock (errorTail) result.ErrorTail = errorTail.Count == 0 ? null : string.Join("\n", errorTail);
            logger.LogInformation("{Execution} step '{Step}' finished: exit {Exit} in {Ms} ms", request.ExecutionId, request.Step, result.ExitCode, result.DurationMs);
            return result;
        }

        /// <summary>Runs git to find changed paths and selects the matching rules' commands.</summary>
        [Activity(WorkflowNames.DetectChangesActivity)]
        public async Task<ChangesResult> DetectChangesAsync(ChangesRequest request)
        {
            var cwd = ResolveDirectory(request.WorkingDirectory);
            try
            {
                var env = ResolveEnv(request.Step, request.Env);
                var result = await ChangeDetector.DetectAsync(cwd, request.Changes, env, ActivityExecutionContext.Current.CancellationToken).ConfigureAwait(false);
                logger.LogInformation("{Execution} step '{Step}': {Paths} changed path(s) since {Base}, {Commands} command(s)",
                    request.ExecutionId, request.Step, result.ChangedPaths.Count, result.Base, result.Commands.Count);
                return result;
            }
            catch (InvalidOperationException ex)
            {
                throw new ApplicationFailureException(ex.Message, NonRetryableErrorType, nonRetryable: true);
            }
        }

        private async Task<int> RunCommandAsync(StepRequest request, string cwd, Dictionary<string, string> env, Action<string, bool> onLine, TimeSpan timeout, CancellationToken ct)
        {
            if (request.Kind == StepKind.PowerShell)
            {
                var ps = CommandLocator.PowerShell(request.Command);
                if (ps != null) return await ProcessRunner.RunAsync(Withheld(ps, env), cwd, env, onLine, timeout, ct).ConfigureAwait(false);
                // Never in this process: the step would see the worker's credentials.
                throw new ApplicationFailureException(
                    $"PowerShell step '{request.Step}' needs pwsh (PowerShell 7) on worker {identity}: install it on PATH, or start the worker from pwsh or Windows PowerShell.",
                    NonRetryableErrorType, nonRetryable: true);
            }
            return await ProcessRunner.RunAsync(Withheld(CommandLocator.Shell(request.Command), env), cwd, env, onLine, timeout, ct).ConfigureAwait(false);
        }

        private async Task HeartbeatAsync(ActivityExecutionContext ctx, LogBatcher batcher, CancellationToken stop)
        {
            // First beat after one interval: a step that ends sooner needs none, and an early
            // beat racing the completion only earns an "unknown activity" answer.
            while (true)
            {
                try
                {
                    await Task.Delay(heartbeatInterval, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                ctx.Heartbeat(batcher.Total);
            }
        }

        /// <summary>The worker's environment minus the product's secrets, except those the step sets itself.</summary>
        private ProcessStartInfo Withheld(ProcessStartInfo psi, Dictionary<string, string> env)
        {
            var remove = new List<string>();
            foreach (var key in psi.Environment.Keys)
                if (WithheldVariables.Contains(key) && !env.ContainsKey(key)) remove.Add(key);
            foreach (var key in remove) psi.Environment.Remove(key);
            return psi;
        }

        private Dictionary<string, string> ResolveEnv(string step, Dictionary<string, string> declared)
        {
            try
            {
                return SecretReference.ResolveAll(declared);
            }
            catch (SecretNotFoundException ex)
            {
                // Another worker may have it, but this one would take the retry again: say what is missing.
                throw new ApplicationFailureException($"Step '{step}' on {identity}: {ex.Message}", NonRetryableErrorType, nonRetryable: true);
            }
        }

        private string ResolveDirectory(string? requested)
        {
            var dir = !string.IsNullOrWhiteSpace(requested) ? requested! : DefaultWorkingDirectory ?? Directory.GetCurrentDirectory();
            if (!Directory.Exists(dir))
                throw new ApplicationFailureException($"Working directory '{dir}' does not exist on worker {identity}.", NonRetryableErrorType, nonRetryable: true);
            return dir;
        }

        private static string FirstLine(string s)
        {
            var i = s.IndexOfAny(new[] { '\r', '\n' });
            var line = i < 0 ? s : s.Substring(0, i) + " ...";
            return line.Length > 200 ? line.Substring(0, 200) + "..." : line;
        }
    }
}
