using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Workers;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>
    /// Hosts the ephemeral worker of <c>Invoke-KubiyaExec -Local</c> as a job in this session
    /// (visible to Get-Job while it runs) and removes the job when the execution ends.
    /// </summary>
    internal sealed class JobWorkerLauncher : ILocalWorkerLauncher
    {
        private readonly PSCmdlet cmdlet;
        private readonly JobManager manager;
        private readonly JobRepository repository;
        private readonly System.Guid runspace;

        /// <summary>Captures the session's job stores; call on the pipeline thread.</summary>
        public JobWorkerLauncher(PSCmdlet cmdlet)
        {
            this.cmdlet = cmdlet;
            manager = cmdlet.JobManager;
            repository = cmdlet.JobRepository;
            runspace = System.Management.Automation.Runspaces.Runspace.DefaultRunspace.InstanceId;
        }

        public async Task<ILocalWorker> StartAsync(KubiyaSettings settings, WorkerHostOptions options, CancellationToken cancellationToken)
        {
            // pwsh dies on SIGTERM (a pipeline's cancel) without running any cleanup of its own.
            Kubiya.Core.Executions.LocalRuns.EndOnTerminationSignals();
            var job = WorkerJobs.Create(manager, repository, runspace, settings, options, $"KubiyaLocal:{options.Queue}");
            await job.StartAsync(cancellationToken).ConfigureAwait(false);
            if (job.JobStateInfo.State != JobState.Running)
            {
                WorkerJobs.Remove(repository, job);
                throw job.FailureReason as KubiyaException
                    ?? new KubiyaException(KubiyaErrorKind.Internal, "LocalWorkerFailed", "The local worker could not start: " + job.FailureReason?.Message, options.Queue, job.FailureReason);
            }
            return new LocalJobWorker(job, repository);
        }

        private sealed class LocalJobWorker : ILocalWorker
        {
            private readonly KubiyaWorkerJob job;
            private readonly JobRepository repository;

            public LocalJobWorker(KubiyaWorkerJob job, JobRepository repository)
            {
                this.job = job;
                this.repository = repository;
            }

            public string Identity => job.Identity ?? "";

            public async Task StopAsync()
            {
                await job.StopAsync().ConfigureAwait(false);
                WorkerJobs.Remove(repository, job);
                job.Dispose();
            }
        }
    }
}
