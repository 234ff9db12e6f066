using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>What a web UI job serves: port, queue, folder and model configuration.</summary>
    internal sealed class WebUIJobOptions
    {
        /// <summary>First port tried (the next free one is used when it is taken; 0 = any).</summary>
        public int Port { get; set; }
        /// <summary>The queue whose worker the UI belongs to, or null.</summary>
        public string? QueueId { get; set; }
        /// <summary>Folder agents are looked up from and Playground runs start in.</summary>
        public string WorkingDirectory { get; set; } = "";
        /// <summary>Model configuration shown on the Models page; null = ~/.kubiya/models.yaml.</summary>
        public string? ModelConfigPath { get; set; }
    }

    /// <summary>Creates web UI jobs where the job cmdlets find them.</summary>
    internal static class WebUIJobs
    {
        /// <summary>Name of the job-definition parameter carrying the <see cref="Spec"/>.</summary>
        public const string SpecParameter = "KubiyaWebUISpec";

        /// <summary>What the adapter needs to build a job.</summary>
        internal sealed class Spec
        {
            public Spec(string name, Guid runspace, WebUIJobOptions options)
            {
                Name = name;
                Runspace = runspace;
                Options = options;
            }

            public string Name { get; }
            public Guid Runspace { get; }
            public WebUIJobOptions Options { get; }
        }

        /// <summary>Creates a (not yet started) job; must run on the pipeline thread of <paramref name="cmdlet"/>.</summary>
        public static KubiyaWebUIJob Create(PSCmdlet cmdlet, WebUIJobOptions options, string? name)
        {
            var command = "Start-KubiyaWebUI -Port " + options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + (options.QueueId != null ? " -QueueId " + options.QueueId : "");
            name ??= options.QueueId != null ? "KubiyaWebUI:" + options.QueueId : "KubiyaWebUI";
            var spec = new Spec(name, Runspace.DefaultRunspace.InstanceId, options);
            var definition = new JobDefinition(typeof(KubiyaWebUIJobSourceAdapter), command, name);
            var parameters = new CommandParameterCollection { new CommandParameter(SpecParameter, spec) };
            return (KubiyaWebUIJob)cmdlet.JobManager.NewJob(new JobInvocationInfo(definition, parameters));
        }

        /// <summary>Forgets a job that never ran, so it leaves nothing in Get-Job.</summary>
        public static void Remove(JobRepository repository, KubiyaWebUIJob job)
        {
            KubiyaWebUIJobSourceAdapter.Forget(job);
            foreach (var j in repository.Jobs)
                if (j.InstanceId == job.InstanceId) { repository.Remove(job); break; }
            job.Dispose();
        }
    }
}
