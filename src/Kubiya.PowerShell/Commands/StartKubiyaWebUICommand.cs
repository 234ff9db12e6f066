using System.IO;
using System.Management.Automation;
using Kubiya.Core.WebUI;
using Kubiya.Core.Workers;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;
using Kubiya.PowerShell.Jobs;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Starts the worker web UI on its own, on 127.0.0.1, as a background job.</para>
    /// <para type="description">Serves the web UI that every worker serves (overview, workers, executions, playground,
    /// logs, doctor, environment, models) without running a worker: a child kubiya ui process from the module's Cli
    /// folder, shown by Get-Job and stopped by Stop-Job. The job's Url property holds the address with this start's
    /// token; it never outlives this PowerShell.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "KubiyaWebUI", SupportsShouldProcess = true)]
    [OutputType(typeof(KubiyaWebUIJob))]
    public sealed class StartKubiyaWebUICommand : KubiyaCmdlet
    {
        /// <summary>First port tried (default KUBIYA_WEBUI_PORT or 8088; 0 = any free port).</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int? Port { get; set; }

        /// <summary>The queue whose worker the UI belongs to: Playground runs go there, the Logs page shows its log.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("Queue")]
        [ArgumentCompleter(typeof(QueueCompleter))]
        public string? QueueId { get; set; }

        /// <summary>Folder agents are looked up from and Playground runs start in (default: the current location).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("Cwd")]
        public string? WorkingDirectory { get; set; }

        /// <summary>Model configuration shown on the Models page (LiteLLM model_list YAML; default ~/.kubiya/models.yaml).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ModelConfig { get; set; }

        /// <summary>Job name (default KubiyaWebUI, or KubiyaWebUI:QUEUE).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                if (QueueId != null) WorkerPaths.ValidateQueueId(QueueId);
                var folder = WorkingDirectory != null ? ResolveDirectory(WorkingDirectory) : CurrentDirectory;
                if (!Directory.Exists(folder))
                {
                    WriteError(ErrorRecords.Create("WorkingDirectoryNotFound", ErrorCategory.ObjectNotFound, $"Working directory '{folder}' does not exist.", WorkingDirectory));
                    return;
                }
                var models = ModelConfig != null ? ResolveDirectory(ModelConfig) : null;
                if (models != null && !File.Exists(models))
                {
                    WriteError(ErrorRecords.Create("ModelConfigNotFound", ErrorCategory.ObjectNotFound, $"Model configuration file '{models}' does not exist.", ModelConfig));
                    return;
                }
                var port = Port ?? WebUISettings.Port();
                var where = port == 0 ? "127.0.0.1 (any free port)" : $"127.0.0.1:{port}";
                if (!ShouldProcess($"Kubiya web UI on {where}" + (QueueId != null ? $" for queue '{QueueId}'" : ""), "Start")) return;
                var job = WebUIJobs.Create(this, new WebUIJobOptions { Port = port, QueueId = QueueId, WorkingDirectory = folder, ModelConfigPath = models }, Name);
                var progress = new ProgressRecord(ProgressRecords.NewActivityId(), "Start-KubiyaWebUI", $"Starting the web UI on {where}");
                WriteProgress(progress);
                try
                {
                    Run(async (pump, ct) =>
                    {
                        await job.StartAsync(ct).ConfigureAwait(false);
                        return true;
                    });
                }
                catch (PipelineStoppedException)
                {
                    // Ctrl+C while it started: the child is gone, and so is the job.
                    WebUIJobs.Remove(JobRepository, job);
                    throw;
                }
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
                if (job.JobStateInfo.State == JobState.Failed)
                {
                    // A UI that never served leaves no job behind.
                    foreach (var e in job.Error.ReadAll()) WriteError(e);
                    WebUIJobs.Remove(JobRepository, job);
                    return;
                }
                WriteObject(job);
            }, QueueId);
        }
    }
}
