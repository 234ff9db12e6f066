using System;
using System.ComponentModel;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Messages;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.Core.Logs;
using Kubiya.Core.Progress;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>
    /// <c>Invoke-KubiyaExec -AsJob</c>: the execution followed in the background. Its output is the
    /// finished execution, its Information stream the execution's log lines, its Progress stream
    /// the steps; Stop-Job cancels the execution itself and returns once it ended.
    /// </summary>
    public sealed class KubiyaExecJob : Job2
    {
        /// <summary>The job type name shown by Get-Job.</summary>
        public const string JobTypeName = "KubiyaExec";

        private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(30);

        private readonly ExecJobs.Runner run;
        private readonly ExecJobs.Canceller cancel;
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private readonly ExecProgressTracker tracker = new ExecProgressTracker();
        private readonly int activityId = ProgressRecords.NewActivityId();
        private readonly object gate = new object();
        private Task? running;
        private volatile bool stopRequested;

        internal KubiyaExecJob(string command, string name, ExecJobs.Runner run, ExecJobs.Canceller cancel)
            : base(command, name)
        {
            this.run = run;
            this.cancel = cancel;
            PSJobTypeName = JobTypeName;
        }

        /// <summary>The execution's id, once submitted.</summary>
        public string? ExecutionId { get; private set; }

        /// <summary>The queue it was submitted to, once submitted.</summary>
        public string? Queue { get; private set; }

        /// <summary>The finished execution (also the job's output).</summary>
        public ExecutionInfo? Execution { get; private set; }

        /// <inheritdoc />
        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Information.Count > 0;

        /// <inheritdoc />
        public override string Location => Queue ?? "";

        /// <inheritdoc />
        public override string StatusMessage => tracker.Current?.Status ?? "";

        /// <inheritdoc />
        public override void StartJob()
        {
            lock (gate)
            {
                if (running != null) return;
                SetJobState(JobState.Running);
                running = Task.Run(RunAsync);
            }
        }

        /// <inheritdoc />
        public override void StartJobAsync()
        {
            StartJob();
            OnStartJobCompleted(new AsyncCompletedEventArgs(null, false, null));
        }

        private async Task RunAsync()
        {
            var observer = new ExecObserver
            {
                Submitted = e =>
                {
                    ExecutionId = e.Id;
                    Queue = e.Queue;
                    AddProgress(tracker.Start(e));
                },
                Log = OnLog,
                Warning = w => Warning.Add(new WarningRecord(FrontText.Render(w, KubiyaFront.PowerShell))),
                // Nobody can answer inside a job: approvals behave as in a non-interactive host.
                Answer = null,
            };
            try
            {
                var info = await run(observer, stopping.Token).ConfigureAwait(false);
                Execution = info;
                if (tracker.Current is { Completed: false }) AddProgress(tracker.Finish(info.Status.ToString()));
                Output.Add(PSObject.AsPSObject(info));
                var error = ErrorRecords.ForOutcome(info);
                if (error != null && !(stopRequested && info.Status == ExecutionStatus.Cancelled)) Error.Add(error);
                if (info.Status == ExecutionStatus.WaitingForInput)
                    Error.Add(ErrorRecords.Create("ApprovalRequired", ErrorCategory.OperationStopped,
                        $"Execution {info.Id} waits for an answer ('{info.Question}'); answer with: Send-KubiyaExecutionInput -Id {info.Id} -Answer yes", info.Id));
                SetJobState(stopRequested ? JobState.Stopped : error != null ? JobState.Failed : JobState.Completed);
            }
            catch (OperationCanceledException) when (stopRequested)
            {
                SetJobState(JobState.Stopped);
            }
            catch (Exception ex)
            {
                Error.Add(ErrorRecords.From(ex, ExecutionId));
                SetJobState(stopRequested ? JobState.Stopped : JobState.Failed);
            }
        }

        private void OnLog(LogEntry entry)
        {
            var record = new InformationRecord(new HostInformationMessage { Message = entry.ToString(), NoNewLine = false }, "Invoke-KubiyaExec");
            foreach (var tag in new[] { "PSHOST", "Kubiya", entry.Kind.ToString() }) record.Tags.Add(tag);
            Information.Add(record);
            if (tracker.OnEntry(entry) is { } p) AddProgress(p);
        }

        private void AddProgress(ExecProgress p) => Progress.Add(ProgressRecords.From(activityId, p));

        /// <inheritdoc />
        public override void StopJob() => StopJob(false, null!);

        /// <inheritdoc />
        public override void StopJob(bool force, string reason) => StopAsync().GetAwaiter().GetResult();

        /// <summary>Cancels the execution and waits until it ended (or, failing that, stops following it).</summary>
        internal async Task StopAsync()
        {
            Task? task;
            lock (gate)
            {
                task = running;
                if (task == null)
                {
                    if (!IsFinishedState(JobStateInfo.State)) SetJobState(JobState.Stopped);
                    return;
                }
            }
            if (task.IsCompleted) return;
            stopRequested = true;
            SetJobState(JobState.Stopping);
            var id = ExecutionId;
            if (id != null)
            {
                using var cts = new CancellationTokenSource(CancelGrace);
                try
                {
                    // The workflow is cancelled: the followed log ends with it and the runner returns Cancelled.
                    await cancel(id, cts.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is KubiyaException || ex is OperationCanceledException)
                {
                    // Already ended, or the server did not answer: stop following below.
                }
                if (await Task.WhenAny(task, Task.Delay(CancelGrace)).ConfigureAwait(false) == task) return;
            }
            stopping.Cancel();
            await task.ConfigureAwait(false);
        }

        /// <inheritdoc />
        public override void StopJobAsync() => StopJobAsync(false, null!);

        /// <inheritdoc />
        /// <remarks>Stops on the calling thread, as the worker job does (Remove-Job -Force relies on it).</remarks>
        public override void StopJobAsync(bool force, string reason)
        {
            Exception? error = null;
            try
            {
                StopAsync().GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                error = ex;
            }
            OnStopJobCompleted(new AsyncCompletedEventArgs(error, false, null));
        }

        /// <inheritdoc />
        public override void SuspendJob() => throw new NotSupportedException("An execution job cannot be suspended; stop it (which cancels the execution) or let it finish.");
        /// <inheritdoc />
        public override void SuspendJob(bool force, string reason) => SuspendJob();
        /// <inheritdoc />
        public override void SuspendJobAsync() => SuspendJob();
        /// <inheritdoc />
        public override void SuspendJobAsync(bool force, string reason) => SuspendJob();
        /// <inheritdoc />
        public override void ResumeJob() => throw new NotSupportedException("An execution job cannot be suspended or resumed.");
        /// <inheritdoc />
        public override void ResumeJobAsync() => ResumeJob();
        /// <inheritdoc />
        public override void UnblockJob() => throw new NotSupportedException("An execution job never blocks; answer its questions with Send-KubiyaExecutionInput.");
        /// <inheritdoc />
        public override void UnblockJobAsync() => UnblockJob();

        private static bool IsFinishedState(JobState s) => s == JobState.Completed || s == JobState.Failed || s == JobState.Stopped;

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try
                {
                    StopAsync().GetAwaiter().GetResult();
                }
                catch (Exception)
                {
                    // Removing a job must not throw.
                }
                stopping.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
