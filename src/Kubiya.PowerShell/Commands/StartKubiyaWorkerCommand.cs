using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Workers;
using Kubiya.PowerShell.Internal;
using Kubiya.PowerShell.Jobs;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Starts a worker for a queue as a background job.</para>
    /// <para type="description">The job shows in Get-Job, Receive-Job returns the worker's log, and Stop-Job or
    /// Stop-KubiyaWorker stop it gracefully. With -Wait the command blocks until the worker stops (for scheduled
    /// tasks and services), writing its log to the Information stream.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "KubiyaWorker")]
    [OutputType(typeof(KubiyaWorkerJob))]
    public sealed class StartKubiyaWorkerCommand : KubiyaCmdlet
    {
        /// <summary>Queue to poll.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("Queue")]
        public string QueueId { get; set; } = "";

        /// <summary>Concurrent steps.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int? MaxConcurrentActivities { get; set; }

        /// <summary>Concurrent workflow tasks.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int? MaxConcurrentWorkflows { get; set; }

        /// <summary>Job name (default KubiyaWorker:QUEUE).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary>Block until the worker stops.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <inheritdoc />
        protected override SettingsOverrides Overrides => new SettingsOverrides
        {
            MaxConcurrentActivities = MaxConcurrentActivities,
            MaxConcurrentWorkflows = MaxConcurrentWorkflows,
        };

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                var job = WorkerJobs.Create(this, Runtime.Settings, new WorkerHostOptions { Queue = QueueId, DefaultWorkingDirectory = CurrentDirectory }, Name);
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
