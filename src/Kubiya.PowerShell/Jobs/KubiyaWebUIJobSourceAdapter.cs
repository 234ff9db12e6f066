using System;
using System.Collections.Concurrent;
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

        private static readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Job2>> ByRunspace =
            new ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Job2>>();

        /// <summary>Creates the adapter.</summary>
        public KubiyaWebUIJobSourceAdapter() => Name = AdapterName;

        private static ConcurrentDictionary<Guid, Job2> Jobs => ByRunspace.GetOrAdd(
            System.Management.Automation.Runspaces.Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty, _ => new ConcurrentDictionary<Guid, Job2>());

        /// <summary>Forgets a job that never started.</summary>
        internal static void Forget(Job2 job)
        {
            foreach (var jobs in ByRunspace.Values) jobs.TryRemove(job.InstanceId, out _);
        }

        /// <summary>Creates a web UI job from a definition made by <see cref="WebUIJobs"/>.</summary>
        public override Job2 NewJob(JobInvocationInfo specification)
        {
            var parameters = specification.Parameters.Count > 0 ? specification.Parameters[0] : null;
            if (!(parameters?.FirstOrDefault(p => p.Name == WebUIJobs.SpecParameter)?.Value is WebUIJobs.Spec spec))
                throw new NotSupportedException("Start the Kubiya web UI with Start-KubiyaWebUI.");
            var job = new KubiyaWebUIJob(specification.Command, spec.Name, spec.Options);
            ByRunspace.GetOrAdd(spec.Runspace, _ => new ConcurrentDictionary<Guid, Job2>())[job.InstanceId] = job;
            return job;
        }

        /// <inheritdoc />
        public override IList<Job2> GetJobs() => Jobs.Values.ToList();

        /// <inheritdoc />
        public override IList<Job2> GetJobsByName(string name, bool recurse)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            return Jobs.Values.Where(j => pattern.IsMatch(j.Name)).ToList();
        }

        /// <inheritdoc />
        public override IList<Job2> GetJobsByCommand(string command, bool recurse)
        {
            var pattern = new WildcardPattern(command, WildcardOptions.IgnoreCase);
            return Jobs.Values.Where(j => pattern.IsMatch(j.Command)).ToList();
        }

        /// <inheritdoc />
        public override IList<Job2> GetJobsByState(JobState state, bool recurse) => Jobs.Values.Where(j => j.JobStateInfo.State == state).ToList();

        /// <inheritdoc />
        public override IList<Job2> GetJobsByFilter(Dictionary<string, object> filter, bool recurse) => new List<Job2>();

        /// <inheritdoc />
        public override Job2 GetJobByInstanceId(Guid instanceId, bool recurse) => Jobs.TryGetValue(instanceId, out var j) ? j : null!;

        /// <inheritdoc />
        public override Job2 GetJobBySessionId(int id, bool recurse) => Jobs.Values.FirstOrDefault(j => j.Id == id)!;

        /// <inheritdoc />
        public override void RemoveJob(Job2 job)
        {
            Forget(job);
            job.Dispose();
        }
    }
}
