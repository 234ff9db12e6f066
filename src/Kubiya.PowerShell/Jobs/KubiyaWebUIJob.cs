using System;
using System.ComponentModel;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.WebUI;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>
    /// The worker web UI started by Start-KubiyaWebUI, as a PowerShell job: a child <c>kubiya ui</c>
    /// process that shows in Get-Job, stops with Stop-Job (or Remove-Job -Force) and never outlives
    /// the PowerShell that started it. <see cref="Url"/> carries this start's token.
    /// </summary>
    public sealed class KubiyaWebUIJob : Job2
    {
        /// <summary>The job type name shown by Get-Job.</summary>
        public const string JobTypeName = "KubiyaWebUI";

        private readonly WebUIJobOptions options;
        private readonly object gate = new object();
        private WebUIProcess? process;
        private bool stopRequested;

        internal KubiyaWebUIJob(string command, string name, WebUIJobOptions options)
            : base(command, name)
        {
            this.options = options;
            PSJobTypeName = JobTypeName;
        }

        /// <summary>The address to open, with this start's token (keep it to yourself: it grants access to the UI).</summary>
        public string? Url { get; private set; }

        /// <summary>The port it serves on (the next free one when the one asked for was taken).</summary>
        public int? Port { get; private set; }

        /// <summary>Process id of the <c>kubiya ui</c> process serving it.</summary>
        public int? Pid { get; private set; }

        /// <summary>The queue whose worker the UI belongs to (Playground target, Logs page); null for none.</summary>
        public string? QueueId => options.QueueId;

        /// <summary>Folder agents are looked up from and Playground runs start in.</summary>
        public string WorkingDirectory => options.WorkingDirectory;

        /// <summary>When it started serving.</summary>
        public DateTimeOffset? StartedAt { get; private set; }

        /// <inheritdoc />
        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Warning.Count > 0;

        /// <summary>The address without the token.</summary>
        public override string Location => Url?.Split('?')[0] ?? "";

        /// <inheritdoc />
        public override string StatusMessage => "";

        /// <summary>Why it failed, when the job is Failed.</summary>
        public Exception? FailureReason { get; private set; }

        /// <summary>Starts serving; the job is Running when this returns, or Failed.</summary>
        public override void StartJob() => StartAsync(CancellationToken.None).GetAwaiter().GetResult();

        /// <inheritdoc />
        public override void StartJobAsync()
        {
            Task.Run(async () =>
            {
                await StartAsync(CancellationToken.None).ConfigureAwait(false);
                OnStartJobCompleted(new AsyncCompletedEventArgs(null, false, null));
            });
        }

        /// <summary>Starts the child and waits until it serves; never throws except for cancellation, a failure leaves the job Failed.</summary>
        internal async Task StartAsync(CancellationToken cancellationToken)
        {
            try
            {
                var ui = await WebUIProcess.StartStandaloneAsync(options.QueueId, options.Port, options.WorkingDirectory, options.ModelConfigPath, cancellationToken).ConfigureAwait(false);
                lock (gate) process = ui;
                Url = ui.Url;
                Port = ui.Port;
                Pid = ui.Pid;
                StartedAt = DateTimeOffset.Now;
                if (options.Port != 0 && ui.Port != options.Port)
                    Warning.Add(new WarningRecord(string.Format(CultureInfo.InvariantCulture, "Port {0} is taken: serving on {1}.", options.Port, ui.Port)));
                Output.Add(PSObject.AsPSObject("Web UI: " + ui.Url));
                SetJobState(JobState.Running);
                _ = ui.Exited.ContinueWith(t => OnExited(t.Result), TaskScheduler.Default);
            }
            catch (OperationCanceledException)
            {
                SetJobState(JobState.Stopped);
                throw;
            }
            catch (Exception ex)
            {
                Fail(ex);
            }
        }

        private void OnExited(int exitCode)
        {
            lock (gate)
            {
                if (stopRequested) return;
                stopRequested = true;
            }
            // Ended without Stop-Job: killed, or it failed.
            Fail(new Core.Errors.KubiyaException(Core.Errors.KubiyaErrorKind.Internal, "WebUIExited",
                string.Format(CultureInfo.InvariantCulture, "The web UI process (pid {0}) exited on its own with code {1}.", Pid, exitCode), options.QueueId));
        }

        /// <inheritdoc />
        public override void StopJob() => StopJob(false, null!);

        /// <inheritdoc />
        public override void StopJob(bool force, string reason) => Stop();

        /// <inheritdoc />
        public override void StopJobAsync() => StopJobAsync(false, null!);

        /// <inheritdoc />
        /// <remarks>Stops on the calling thread (as the worker job does), so Remove-Job -Force returns.</remarks>
        public override void StopJobAsync(bool force, string reason)
        {
            Exception? error = null;
            try
            {
                Stop();
            }
            catch (Exception ex)
            {
                error = ex;
            }
            OnStopJobCompleted(new AsyncCompletedEventArgs(error, false, null));
        }

        /// <summary>Stops the child (SIGTERM, then kill after a grace) and waits for it.</summary>
        private void Stop()
        {
            WebUIProcess? ui;
            lock (gate)
            {
                if (stopRequested || IsFinished(JobStateInfo.State)) return;
                stopRequested = true;
                ui = process;
                process = null;
            }
            if (ui == null)
            {
                SetJobState(JobState.Stopped);
                return;
            }
            SetJobState(JobState.Stopping);
            ui.Dispose();
            SetJobState(JobState.Stopped);
        }

        /// <inheritdoc />
        public override void SuspendJob() => throw new NotSupportedException("The Kubiya web UI cannot be suspended; stop it and start it again.");
        /// <inheritdoc />
        public override void SuspendJob(bool force, string reason) => SuspendJob();
        /// <inheritdoc />
        public override void SuspendJobAsync() => SuspendJob();
        /// <inheritdoc />
        public override void SuspendJobAsync(bool force, string reason) => SuspendJob();
        /// <inheritdoc />
        public override void ResumeJob() => throw new NotSupportedException("The Kubiya web UI cannot be suspended or resumed.");
        /// <inheritdoc />
        public override void ResumeJobAsync() => ResumeJob();
        /// <inheritdoc />
        public override void UnblockJob() => throw new NotSupportedException("The Kubiya web UI never blocks.");
        /// <inheritdoc />
        public override void UnblockJobAsync() => UnblockJob();

        private void Fail(Exception ex)
        {
            FailureReason = ex;
            Error.Add(Internal.ErrorRecords.From(ex, options.QueueId));
            SetJobState(JobState.Failed);
        }

        private static bool IsFinished(JobState s) => s == JobState.Completed || s == JobState.Failed || s == JobState.Stopped;

        /// <inheritdoc />
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try
                {
                    Stop();
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
