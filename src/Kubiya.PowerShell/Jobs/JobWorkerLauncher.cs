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

        public JobWorkerLauncher(PSCmdlet cmdlet) => this.cmdlet = cmdlet;

        public async Task<ILocalWorker> StartAsync(KubiyaSettings settings, WorkerHostOptions options, CancellationToken cancellationToken)
        {
            // The job repository is thread-safe, so the job can be registered from here.
            var job = WorkerJobs.Create(cmdlet, settings, options, $"KubiyaLocal:{options.Queue}");
            await job.StartAsync(cancellationToken).ConfigureAwait(false);
            if (job.JobStateInfo.State != JobState.Running)
            {
                WorkerJobs.Remove(cmdlet.JobRepository, job);
                throw job.FailureReason as KubiyaException
                    ?? new KubiyaException(KubiyaErrorKind.Internal, "LocalWorkerFailed", "The local worker could not start: " + job.FailureReason?.Message, options.Queue, job.FailureReason);
            }
            return new LocalJobWorker(job, cmdlet.JobRepository);
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
