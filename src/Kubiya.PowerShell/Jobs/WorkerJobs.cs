using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Kubiya.Core.Activities;
using Kubiya.Core.Configuration;
using Kubiya.Core.Workers;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>Creates worker jobs and registers them where the job cmdlets look.</summary>
    internal static class WorkerJobs
    {
        /// <summary>Name of the job-definition parameter carrying the <see cref="Spec"/>.</summary>
        public const string SpecParameter = "KubiyaWorkerSpec";

        /// <summary>What the adapter needs to build a job.</summary>
        internal sealed class Spec
        {
            public Spec(string name, Guid runspace, KubiyaSettings settings, WorkerHostOptions options)
            {
                Name = name;
                Runspace = runspace;
                Settings = settings;
                Options = options;
            }

            public string Name { get; }
            public Guid Runspace { get; }
            public KubiyaSettings Settings { get; }
            public WorkerHostOptions Options { get; }
        }

        /// <summary>Creates a job; must run on the pipeline thread of <paramref name="cmdlet"/>.</summary>
        public static KubiyaWorkerJob Create(PSCmdlet cmdlet, KubiyaSettings settings, WorkerHostOptions options, string? name) =>
            Create(cmdlet.JobManager, cmdlet.JobRepository, Runspace.DefaultRunspace.InstanceId, settings, options, name);

        /// <summary>
        /// Creates a job for a known runspace (any thread) through the job manager, which loads
        /// <see cref="KubiyaWorkerJobSourceAdapter"/> for this session; Get-Job and the other job
        /// cmdlets then find it through the adapter.
        /// </summary>
        public static KubiyaWorkerJob Create(JobManager manager, JobRepository repository, Guid runspace, KubiyaSettings settings, WorkerHostOptions options, string? name)
        {
            var command = $"Start-KubiyaWorker -QueueId {options.Queue}";
            name ??= $"KubiyaWorker:{options.Queue}";
            // PowerShell steps run in their own process; without pwsh on PATH, in this PowerShell's own executable.
            CommandLocator.PowerShellHome ??= System.IO.Path.GetDirectoryName(typeof(PSObject).Assembly.Location);
            var spec = new Spec(name, runspace, settings, options);
            var definition = new JobDefinition(typeof(KubiyaWorkerJobSourceAdapter), command, name);
            var parameters = new CommandParameterCollection { new CommandParameter(SpecParameter, spec) };
            return (KubiyaWorkerJob)manager.NewJob(new JobInvocationInfo(definition, parameters));
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
