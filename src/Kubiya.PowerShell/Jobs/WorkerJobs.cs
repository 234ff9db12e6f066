using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using Kubiya.Core.Configuration;
using Kubiya.Core.Workers;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>Creates worker jobs and registers them where the job cmdlets look.</summary>
    internal static class WorkerJobs
    {
        // JobManager.RegisterJobSourceAdapter exists in every PowerShell since 3.0 but is not in
        // the PowerShell Standard reference assembly, hence reflection.
        private static readonly MethodInfo? Register = typeof(JobManager).GetMethod("RegisterJobSourceAdapter", new[] { typeof(Type) });

        /// <summary>Creates a job; must run on the pipeline thread of <paramref name="cmdlet"/>.</summary>
        public static KubiyaWorkerJob Create(PSCmdlet cmdlet, KubiyaSettings settings, WorkerHostOptions options, string? name) =>
            Create(cmdlet.JobManager, cmdlet.JobRepository, Runspace.DefaultRunspace.InstanceId, settings, options, name);

        /// <summary>Creates a job for a known runspace (any thread).</summary>
        public static KubiyaWorkerJob Create(JobManager manager, JobRepository repository, Guid runspace, KubiyaSettings settings, WorkerHostOptions options, string? name)
        {
            var command = $"Start-KubiyaWorker -QueueId {options.Queue}";
            var job = new KubiyaWorkerJob(command, name ?? $"KubiyaWorker:{options.Queue}", settings,
                options with { PowerShellRunner = options.PowerShellRunner ?? new InProcessPowerShellRunner() });
            if (RegisterAdapter(manager)) KubiyaWorkerJobSourceAdapter.Track(runspace, job);
            else repository.Add(job);
            return job;
        }

        private static bool RegisterAdapter(JobManager manager)
        {
            if (manager.IsRegistered(KubiyaWorkerJobSourceAdapter.AdapterName)) return true;
            if (Register == null) return false;
            try
            {
                Register.Invoke(manager, new object[] { typeof(KubiyaWorkerJobSourceAdapter) });
            }
            catch (TargetInvocationException)
            {
                // Registered concurrently by another command.
            }
            return manager.IsRegistered(KubiyaWorkerJobSourceAdapter.AdapterName);
        }

        /// <summary>This session's worker jobs.</summary>
        public static System.Collections.Generic.List<KubiyaWorkerJob> InSession(PSCmdlet cmdlet)
        {
            var jobs = new System.Collections.Generic.List<KubiyaWorkerJob>(KubiyaWorkerJobSourceAdapter.Current);
            foreach (var j in cmdlet.JobRepository.Jobs)
                if (j is KubiyaWorkerJob k && !jobs.Contains(k)) jobs.Add(k);
            return jobs;
        }

        /// <summary>Forgets a job (after it stopped).</summary>
        public static void Remove(JobRepository repository, KubiyaWorkerJob job)
        {
            KubiyaWorkerJobSourceAdapter.Forget(job);
            foreach (var j in repository.Jobs)
                if (j.InstanceId == job.InstanceId) { repository.Remove(job); break; }
        }
    }
}
