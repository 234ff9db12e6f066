using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Kubiya.Core.Errors;
using Kubiya.Core.Workers;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;
using Kubiya.PowerShell.Jobs;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Stops this session's worker jobs, and daemon workers, gracefully.</para>
    /// <para type="description">Running steps get the grace period to finish; unfinished ones are retried by
    /// another worker. Select workers by job, queue or job id; -QueueId also stops the queue's daemon worker.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "KubiyaWorker", DefaultParameterSetName = QueueSet, SupportsShouldProcess = true)]
    [OutputType(typeof(KubiyaWorkerJob), typeof(WorkerInfo))]
    public sealed class StopKubiyaWorkerCommand : KubiyaCmdlet
    {
        private const string QueueSet = "Queue";
        private const string JobSet = "Job";
        private const string IdSet = "Id";

        /// <summary>Worker jobs to stop.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = JobSet)]
        public KubiyaWorkerJob[] Job { get; set; } = new KubiyaWorkerJob[0];

        /// <summary>Stop the workers of these queues.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = QueueSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(QueueCompleter))]
        public string[] QueueId { get; set; } = new string[0];

        /// <summary>Stop the worker jobs with these job ids.</summary>
        [Parameter(Mandatory = true, ParameterSetName = IdSet)]
        public int[] Id { get; set; } = new int[0];

        /// <summary>Return the stopped jobs.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            IEnumerable<KubiyaWorkerJob> jobs;
            var mine = WorkerJobs.InSession(this).ToList();
            switch (ParameterSetName)
            {
                case JobSet:
                    jobs = Job;
                    break;
                case IdSet:
                    jobs = mine.Where(j => Id.Contains(j.Id));
                    foreach (var missing in Id.Where(i => mine.All(j => j.Id != i)))
                        WriteError(ErrorRecords.Create("WorkerJobNotFound", ErrorCategory.ObjectNotFound, $"No Kubiya worker job with id {missing} in this session.", missing));
                    break;
                default:
                    jobs = mine.Where(j => QueueId.Contains(j.QueueId));
                    foreach (var queue in QueueId)
                        if (!StopDaemon(queue) && mine.All(j => j.QueueId != queue))
                            WriteError(ErrorRecords.Create("WorkerNotFound", ErrorCategory.ObjectNotFound, $"No Kubiya worker for queue '{queue}' in this session or as a daemon.", queue));
                    break;
            }
            foreach (var job in jobs.ToList())
            {
                if (!ShouldProcess($"{job.Name} (queue {job.QueueId})", "Stop worker")) continue;
                Run(async (pump, ct) =>
                {
                    await job.StopAsync().ConfigureAwait(false);
                    return true;
                });
                if (PassThru) WriteObject(job);
            }
        }

        /// <summary>Drains and stops the queue's daemon worker; false when none runs.</summary>
        private bool StopDaemon(string queue)
        {
            WorkerPaths paths;
            try
            {
                paths = new WorkerPaths(queue, Runtime.Settings.Paths);
            }
            catch (KubiyaException)
            {
                return false;
            }
            if (DaemonStatusReader.Read(paths).State == DaemonState.Stopped) return false;
            if (!ShouldProcess($"daemon worker (queue {queue})", "Stop worker")) return true;
            TryRun(() =>
            {
                Run((pump, ct) => DaemonControl.StopAsync(paths, TimeSpan.FromSeconds(120), ct));
                if (PassThru) WriteObject(DaemonWorkers.ToWorkerInfo(queue, DaemonStatusReader.Read(paths)));
            }, queue);
            return true;
        }
    }
}
