using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Executions;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>Creates <c>Invoke-KubiyaExec -AsJob</c> jobs where the job cmdlets find them.</summary>
    internal static class ExecJobs
    {
        /// <summary>Name of the job-definition parameter carrying the <see cref="Spec"/>.</summary>
        public const string SpecParameter = "KubiyaExecSpec";

        /// <summary>Runs the execution to its end, reporting to the observer.</summary>
        public delegate Task<ExecutionInfo> Runner(ExecObserver observer, CancellationToken cancellationToken);

        /// <summary>Cancels the execution with this id.</summary>
        public delegate Task Canceller(string executionId, CancellationToken cancellationToken);

        /// <summary>What the adapter needs to build a job.</summary>
        internal sealed class Spec
        {
            public Spec(string name, Guid runspace, Runner run, Canceller cancel)
            {
                Name = name;
                Runspace = runspace;
                Run = run;
                Cancel = cancel;
            }

            public string Name { get; }
            public Guid Runspace { get; }
            public Runner Run { get; }
            public Canceller Cancel { get; }
        }

        /// <summary>Creates and starts a job; must run on the pipeline thread of <paramref name="cmdlet"/>.</summary>
        public static KubiyaExecJob Start(PSCmdlet cmdlet, string command, string name, Runner run, Canceller cancel)
        {
            var spec = new Spec(name, Runspace.DefaultRunspace.InstanceId, run, cancel);
            var definition = new JobDefinition(typeof(KubiyaExecJobSourceAdapter), command, name);
            var parameters = new CommandParameterCollection { new CommandParameter(SpecParameter, spec) };
            var job = (KubiyaExecJob)cmdlet.JobManager.NewJob(new JobInvocationInfo(definition, parameters));
            job.StartJob();
            return job;
        }
    }
}
