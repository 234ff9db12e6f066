using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.WebUI;
using Kubiya.Core.Workers;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;
using Kubiya.PowerShell.Jobs;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Starts a worker for a queue as a background job, or as a daemon that outlives the session.</para>
    /// <para type="description">The job shows in Get-Job, Receive-Job returns the worker's log, and Stop-Job or
    /// Stop-KubiyaWorker stop it gracefully. With -Wait the command blocks until the worker stops (for scheduled
    /// tasks and services), writing its log to the Information stream. With -Daemon a detached supervisor (the
    /// kubiya CLI shipped in the module's Cli folder) runs the worker, restarts it when it dies and rotates its
    /// log; Get-KubiyaWorker shows it and Stop-KubiyaWorker -QueueId drains and stops it. Every worker serves the
    /// worker web UI on 127.0.0.1 (port 8088, or the next free one; -WebUIPort, -NoWebUI): the address with its token is in
    /// the worker's log (Receive-Job) and the address alone in the WebUI property of Get-KubiyaWorker.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "KubiyaWorker", DefaultParameterSetName = JobSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(KubiyaWorkerJob), ParameterSetName = new[] { JobSet })]
    [OutputType(typeof(WorkerInfo), ParameterSetName = new[] { DaemonSet })]
    public sealed class StartKubiyaWorkerCommand : KubiyaCmdlet
    {
        private const string JobSet = "Job";
        private const string DaemonSet = "Daemon";

        /// <summary>Queue to poll.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("Queue")]
        [ArgumentCompleter(typeof(QueueCompleter))]
        public string QueueId { get; set; } = "";

        /// <summary>Concurrent steps.</summary>
        [Parameter(ParameterSetName = JobSet)]
        [ValidateRange(1, 1000)]
        public int? MaxConcurrentActivities { get; set; }

        /// <summary>Concurrent workflow tasks.</summary>
        [Parameter(ParameterSetName = JobSet)]
        [ValidateRange(1, 1000)]
        public int? MaxConcurrentWorkflows { get; set; }

        /// <summary>Job name (default KubiyaWorker:QUEUE).</summary>
        [Parameter(ParameterSetName = JobSet)]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary>Block until the worker stops.</summary>
        [Parameter(ParameterSetName = JobSet)]
        public SwitchParameter Wait { get; set; }

        /// <summary>Model configuration for llm agents (LiteLLM model_list YAML; default ~/.kubiya/models.yaml).</summary>
        [Parameter(ParameterSetName = JobSet)]
        [Parameter(ParameterSetName = DaemonSet)]
        [ValidateNotNullOrEmpty]
        public string? ModelConfig { get; set; }

        /// <summary>Run as a supervised daemon process that outlives this session.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DaemonSet)]
        public SwitchParameter Daemon { get; set; }

        /// <summary>Rotate the daemon's worker.log beyond this many bytes (default logging.max_size_bytes of worker-config.yaml, else 100 MB).</summary>
        [Parameter(ParameterSetName = DaemonSet)]
        [ValidateRange(1024, long.MaxValue)]
        public long? MaxLogSize { get; set; }

        /// <summary>Rotated logs the daemon keeps (default logging.max_backups of worker-config.yaml, else 5).</summary>
        [Parameter(ParameterSetName = DaemonSet)]
        [ValidateRange(0, 1000)]
        public int? MaxLogBackups { get; set; }

        /// <summary>Serve the worker web UI on this 127.0.0.1 port, or the next free one (default KUBIYA_WEBUI_PORT or 8088; 0 = any free port).</summary>
        [Parameter(ParameterSetName = JobSet)]
        [Parameter(ParameterSetName = DaemonSet)]
        [ValidateRange(0, 65535)]
        public int? WebUIPort { get; set; }

        /// <summary>Serve no web UI.</summary>
        [Parameter(ParameterSetName = JobSet)]
        [Parameter(ParameterSetName = DaemonSet)]
        public SwitchParameter NoWebUI { get; set; }

        /// <inheritdoc />
        protected override SettingsOverrides Overrides => new SettingsOverrides
        {
            MaxConcurrentActivities = MaxConcurrentActivities,
            MaxConcurrentWorkflows = MaxConcurrentWorkflows,
        };

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"queue '{QueueId}'", Daemon ? "Start daemon worker" : "Start worker")) return;
            if (Daemon)
            {
                TryRun(StartDaemon, QueueId);
                return;
            }
            TryRun(() =>
            {
                var job = WorkerJobs.Create(this, Runtime.Settings, new WorkerHostOptions { Queue = QueueId, DefaultWorkingDirectory = CurrentDirectory, ModelConfigPath = ModelConfig != null ? ResolveDirectory(ModelConfig) : null }, Name);
                job.WebUIPort = NoWebUI ? null : WebUIPort ?? (WebUISettings.Disabled() ? (int?)null : WebUISettings.Port());
                Run(async (pump, ct) =>
                {
                    await job.StartAsync(ct).ConfigureAwait(false);
                    return true;
                });
                if (job.JobStateInfo.State == JobState.Failed)
                {
                    // A worker that never ran leaves no job behind.
                    WorkerJobs.Remove(JobRepository, job);
                    foreach (var e in job.Error.ReadAll()) WriteError(e);
                    return;
                }
                if (!Wait)
                {
                    WriteObject(job);
                    return;
                }
                WaitForStop(job);
            }, QueueId);
        }

        private void StartDaemon()
        {
            var cli = KubiyaCli.Locate();
            if (cli == null)
            {
                WriteError(ErrorRecords.Create("KubiyaCliNotFound", ErrorCategory.ObjectNotFound,
                    "The kubiya CLI that runs daemon workers was not found in the module's Cli folder; reinstall the module.", QueueId));
                return;
            }
            var defaults = new DaemonOptions();
            var paths = new WorkerPaths(QueueId, Runtime.Settings.Paths);
            var options = defaults with
            {
                MaxLogBytes = MaxLogSize ?? Runtime.Settings.LogMaxBytes,
                MaxLogBackups = MaxLogBackups ?? Runtime.Settings.LogMaxBackups,
                ModelConfigPath = DaemonModelConfig.Prepare(paths, ModelConfig != null ? ResolveDirectory(ModelConfig) : null, null),
                WebUIPort = WebUIPort,
                NoWebUI = NoWebUI,
            };
            var command = KubiyaCli.Supervisor(KubiyaCli.Command(cli, new string[0]), QueueId, options);
            var status = Run((pump, ct) => DaemonControl.StartAsync(paths, command, TimeSpan.FromSeconds(60), ct));
            var info = DaemonWorkers.ToWorkerInfo(QueueId, status);
            info.WebUI = WebUIAddress.Read(paths);
            WriteObject(info);
        }

        private void WaitForStop(KubiyaWorkerJob job)
        {
            try
            {
                Run(async (pump, ct) =>
                {
                    while (!IsFinished(job))
                    {
                        foreach (var line in job.Output.ReadAll())
                        {
                            var text = line?.ToString() ?? "";
                            pump.Post(() => WriteInformation(new HostInformationMessage { Message = text }, new[] { "PSHOST", "Kubiya", "Worker" }));
                        }
                        foreach (var w in job.Warning.ReadAll()) pump.Post(() => WriteWarning(w.Message));
                        await Task.Delay(200, ct).ConfigureAwait(false);
                    }
                    return true;
                });
            }
            catch (PipelineStoppedException)
            {
                // Ctrl+C: stop the worker gracefully before the pipeline unwinds.
                job.StopAsync().GetAwaiter().GetResult();
                WorkerJobs.Remove(JobRepository, job);
                throw;
            }
            foreach (var e in job.Error.ReadAll()) WriteError(e);
        }

        private static bool IsFinished(Job job) =>
            job.JobStateInfo.State == JobState.Stopped || job.JobStateInfo.State == JobState.Failed || job.JobStateInfo.State == JobState.Completed;
    }
}
