using System.Linq;
using System.Reflection;
using System.Management.Automation;
using Kubiya.Core.Configuration;
using Kubiya.Core.Workers;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>Creates worker jobs and registers them where the job cmdlets look.</summary>
    internal static class WorkerJobs
    {
        public static KubiyaWorkerJob Create(PSCmdlet cmdlet, KubiyaSettings settings, WorkerHostOptions options, string? name)
        {
            var command = $"Start-KubiyaWorker -QueueId {options.Queue}";
            var job = new KubiyaWorkerJob(command, name ?? $"KubiyaWorker:{options.Queue}", settings,
                options with { PowerShellRunner = options.PowerShellRunner ?? new InProcessPowerShellRunner() });
            RegisterAdapter(cmdlet.JobManager);
            cmdlet.JobRepository.Add(job);
            KubiyaWorkerJobSourceAdapter.Track(job);
            return job;
        }

        // JobManager.RegisterJobSourceAdapter exists in every PowerShell since 3.0 but is not in
        // the PowerShell Standard reference assembly, hence reflection.
        private static readonly MethodInfo? Register = typeof(JobManager).GetMethod("RegisterJobSourceAdapter", new[] { typeof(System.Type) });

        private static void RegisterAdapter(JobManager manager)
        {
            if (Register == null || manager.IsRegistered(nameof(KubiyaWorkerJobSourceAdapter))) return;
            try
            {
                Register.Invoke(manager, new object[] { typeof(KubiyaWorkerJobSourceAdapter) });
            }
            catch (TargetInvocationException)
            {
                // Registered concurrently by another command.
            }
        }

        public static void Remove(JobRepository repository, KubiyaWorkerJob job)
        {
            KubiyaWorkerJobSourceAdapter.Forget(job);
            if (repository.Jobs.Any(j => j.InstanceId == job.InstanceId)) repository.Remove(job);
        }
    }
}
