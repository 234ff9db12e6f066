using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>
    /// Job source adapter through which Get-Job, Receive-Job, Stop-Job and Remove-Job find the web UI
    /// jobs of <c>Start-KubiyaWebUI</c>. Jobs belong to the runspace that started them.
    /// </summary>
    public sealed class KubiyaWebUIJobSourceAdapter : JobSourceAdapter
    {
        /// <summary>Name of the adapter; equal to the jobs' PSJobTypeName so job cmdlets route to it.</summary>
        public const string AdapterName = KubiyaWebUIJob.JobTypeName;

        private static readonly RunspaceJobTable Table = new RunspaceJobTable();

        /// <summary>Creates the adapter.</summary>
        public KubiyaWebUIJobSourceAdapter() => Name = AdapterName;

        /// <summary>Forgets a job that never started.</summary>
        internal static void Forget(Job2 job) => Table.Forget(job);

        /// <summary>Creates a web UI job from a definition made by <see cref="WebUIJobs"/>.</summary>
        public override Job2 NewJob(JobInvocationInfo specification)
        {
            var parameters = specification.Parameters.Count > 0 ? specification.Parameters[0] : null;
            if (!(parameters?.FirstOrDefault(p => p.Name == WebUIJobs.SpecParameter)?.Value is WebUIJobs.Spec spec))
                throw new NotSupportedException("Start the Kubiya web UI with Start-KubiyaWebUI.");
            var job = new KubiyaWebUIJob(specification.Command, spec.Name, spec.Options);
            Table.Track(spec.Runspace, job);
            return job;
        }

        /// <inheritdoc />
        public override IList<Job2> GetJobs() => Table.Current.ToList();

        /// <inheritdoc />
        public override IList<Job2> GetJobsByName(string name, bool recurse) => Table.ByName(name);

        /// <inheritdoc />
        public override IList<Job2> GetJobsByCommand(string command, bool recurse) => Table.ByCommand(command);

        /// <inheritdoc />
        public override IList<Job2> GetJobsByState(JobState state, bool recurse) => Table.ByState(state);

        /// <inheritdoc />
        public override IList<Job2> GetJobsByFilter(Dictionary<string, object> filter, bool recurse) => new List<Job2>();

        /// <inheritdoc />
        public override Job2 GetJobByInstanceId(Guid instanceId, bool recurse) => Table.ByInstanceId(instanceId);

        /// <inheritdoc />
        public override Job2 GetJobBySessionId(int id, bool recurse) => Table.BySessionId(id);

        /// <inheritdoc />
        public override void RemoveJob(Job2 job)
        {
            Table.Forget(job);
            job.Dispose();
        }
    }
}
