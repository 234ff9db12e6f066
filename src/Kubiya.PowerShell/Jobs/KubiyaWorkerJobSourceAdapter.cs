using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>
    /// Job source adapter for Kubiya worker jobs, so job cmdlets (Get-Job -JobSourceAdapter...)
    /// can find them; jobs are created by Start-KubiyaWorker.
    /// </summary>
    public sealed class KubiyaWorkerJobSourceAdapter : JobSourceAdapter
    {
        private static readonly ConcurrentDictionary<Guid, Job2> Jobs = new ConcurrentDictionary<Guid, Job2>();

        /// <summary>Creates the adapter.</summary>
        public KubiyaWorkerJobSourceAdapter() => Name = nameof(KubiyaWorkerJobSourceAdapter);

        internal static void Track(KubiyaWorkerJob job) => Jobs[job.InstanceId] = job;

        internal static void Forget(KubiyaWorkerJob job) => Jobs.TryRemove(job.InstanceId, out _);

        /// <inheritdoc />
        public override Job2 NewJob(JobInvocationInfo specification) =>
            throw new NotSupportedException("Start Kubiya workers with Start-KubiyaWorker.");

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
            if (job is KubiyaWorkerJob k)
            {
                Forget(k);
                k.Dispose();
            }
        }
    }
}
