using System;
using System.ComponentModel;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Workers;
using Kubiya.Core.Logging;
using Kubiya.Core.WebUI;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>
    /// A Kubiya worker as a PowerShell job: shows in Get-Job, its log comes out of Receive-Job,
    /// and Stop-Job / Stop-KubiyaWorker stop it gracefully.
    /// </summary>
    public sealed class KubiyaWorkerJob : Job2
    {
        /// <summary>The job type name shown by Get-Job.</summary>
        public const string JobTypeName = "KubiyaWorker";

        private readonly KubiyaSettings settings;
        private readonly WorkerHostOptions options;
        private readonly object gate = new object();
        private WorkerHost? host;
        private WebUIProcess? webUI;
        private bool stopRequested;

        internal KubiyaWorkerJob(string command, string name, KubiyaSettings settings, WorkerHostOptions options)
            : base(command, name)
        {
            this.settings = settings;
            this.options = options with { LogSink = OnLog };
            PSJobTypeName = JobTypeName;
            QueueId = options.Queue;
        }

        /// <summary>The queue it polls.</summary>
        public string QueueId { get; }

        /// <summary>Identity reported to the server (once started).</summary>
        public string? Identity => host?.Identity;

        /// <summary>Removes its queue folder when stopped (local executions).</summary>
        public bool Ephemeral => options.Ephemeral;

        /// <summary>Steps running now.</summary>
        public int ActiveSteps => host?.ActiveSteps ?? 0;

        /// <summary>Steps run so far.</summary>
        public long CompletedSteps => host?.CompletedSteps ?? 0;

        /// <summary>The worker's log file.</summary>
        public string LogFile => settings.Paths.WorkerLogFile(QueueId);

        /// <summary>When the worker started.</summary>
        public DateTimeOffset? StartedAt => host?.StartedAt;

        /// <summary>Where its web UI is served (address only; the token is in its log), while it is.</summary>
        public string? WebUI => webUI?.BaseUrl;

        /// <summary>Port its web UI is served on (the next free one when taken); null serves none. Set before it starts.</summary>
        internal int? WebUIPort { get; set; }

        /// <inheritdoc />
        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Warning.Count > 0;

        /// <inheritdoc />
        public override string Location => settings.EffectiveAddress;

        /// <inheritdoc />
        public override string StatusMessage => host == null ? "" : $"queue {QueueId}: {ActiveSteps} running, {CompletedSteps} done";

        /// <summary>Connects and starts polling; the job is Running when this returns, or Failed.</summary>
        public override void StartJob() => StartAsync(CancellationToken.None).GetAwaiter().GetResult();

        /// <summary>Starts the worker; never throws, a failure leaves the job Failed with its error.</summary>
        internal async Task StartAsync(CancellationToken cancellationToken)
        {
            try
            {
                var started = await WorkerHost.StartAsync(settings, options, cancellationToken).ConfigureAwait(false);
                lock (gate) host = started;
                if (WebUIPort is int port) await StartWebUIAsync(started, port, cancellationToken).ConfigureAwait(false);
                SetJobState(JobState.Running);
                _ = started.Completion.ContinueWith(_ => OnHostEnded(started), TaskScheduler.Default);
            }
            catch (Exception ex)
            {
                Fail(ex);
            }
        }

        /// <summary>The child <c>kubiya ui</c> for this worker; a failure is a warning in its log, the worker runs on.</summary>
        private async Task StartWebUIAsync(WorkerHost started, int port, CancellationToken cancellationToken)
        {
            var ui = await WebUIProcess.StartBesideAsync(started, port, options.DefaultWorkingDirectory ?? Environment.CurrentDirectory, options.ModelConfigPath, cancellationToken).ConfigureAwait(false);
            lock (gate) webUI = ui;
        }

        private void StopWebUI()
        {
            WebUIProcess? ui;
            lock (gate)
            {
                ui = webUI;
                webUI = null;
            }
            ui?.Dispose();
        }

        /// <inheritdoc />
        public override void StartJobAsync()
        {
            Task.Run(async () =>
            {
                await StartAsync(CancellationToken.None).ConfigureAwait(false);
                OnStartJobCompleted(new AsyncCompletedEventArgs(null, false, null));
            });
        }

        /// <inheritdoc />
        public override void StopJob() => StopJob(false, null!);

        /// <inheritdoc />
        public override void StopJob(bool force, string reason) => StopAsync().GetAwaiter().GetResult();

        /// <summary>Stops gracefully and waits.</summary>
        internal async Task StopAsync()
        {
            WorkerHost? h;
            lock (gate)
            {
                if (stopRequested || IsFinishedState(JobStateInfo.State))
                {
                    h = null;
                }
                else
                {
                    stopRequested = true;
                    h = host;
                }
            }
            if (h == null)
            {
                if (!IsFinishedState(JobStateInfo.State) && host == null) SetJobState(JobState.Stopped);
                return;
            }
            SetJobState(JobState.Stopping);
            StopWebUI();
            await h.StopAsync().ConfigureAwait(false);
            h.Dispose();
            if (h.State == WorkerState.Failed && h.Error != null) Fail(h.Error);
            else SetJobState(JobState.Stopped);
        }

        /// <inheritdoc />
        public override void StopJobAsync() => StopJobAsync(false, null!);

        /// <inheritdoc />
        /// <remarks>
        /// Stops on the calling thread and raises StopJobCompleted before returning: Remove-Job -Force
        /// removes the job from its completion handler through the job manager, which must run on
        /// the pipeline thread (raised from a pool thread, Remove-Job -Force never returned).
        /// </remarks>
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
        public override void SuspendJob() => throw new NotSupportedException("A Kubiya worker cannot be suspended; stop it and start it again.");
        /// <inheritdoc />
        public override void SuspendJob(bool force, string reason) => SuspendJob();
        /// <inheritdoc />
        public override void SuspendJobAsync() => SuspendJob();
        /// <inheritdoc />
        public override void SuspendJobAsync(bool force, string reason) => SuspendJob();
        /// <inheritdoc />
        public override void ResumeJob() => throw new NotSupportedException("A Kubiya worker cannot be suspended or resumed.");
        /// <inheritdoc />
        public override void ResumeJobAsync() => ResumeJob();
        /// <inheritdoc />
        public override void UnblockJob() => throw new NotSupportedException("A Kubiya worker never blocks.");
        /// <inheritdoc />
        public override void UnblockJobAsync() => UnblockJob();

        private void OnHostEnded(WorkerHost h)
        {
            lock (gate)
            {
                if (stopRequested) return;
            }
            // Ended without Stop-Job: the connection or the worker itself failed.
            StopWebUI();
            if (h.Error != null) Fail(h.Error);
            else SetJobState(JobState.Stopped);
        }

        /// <summary>Why the worker failed, when the job is Failed.</summary>
        public Exception? FailureReason { get; private set; }

        private void Fail(Exception ex)
        {
            FailureReason = ex;
            Error.Add(Internal.ErrorRecords.From(ex, QueueId));
            SetJobState(JobState.Failed);
        }

        private void OnLog(LogSeverity level, string line)
        {
            if (level >= LogSeverity.Warning) Warning.Add(new WarningRecord(line));
            else Output.Add(PSObject.AsPSObject(line));
        }

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
            }
            base.Dispose(disposing);
        }
    }
}
