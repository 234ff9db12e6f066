using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>
    /// Job source adapter through which Get-Job, Receive-Job, Stop-Job and Remove-Job find Kubiya
    /// worker jobs. Jobs belong to the runspace that started them, like the job repository's.
    /// </summary>
    public sealed class KubiyaWorkerJobSourceAdapter : JobSourceAdapter
    {
        /// <summary>Name of the adapter; equal to the jobs' PSJobTypeName so job cmdlets route to it.</summary>
        public const string AdapterName = KubiyaWorkerJob.JobTypeName;

        private static readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Job2>> ByRunspace =
            new ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Job2>>();

        /// <summary>Creates the adapter.</summary>
        public KubiyaWorkerJobSourceAdapter() => Name = AdapterName;

        private static ConcurrentDictionary<Guid, Job2> Jobs => ByRunspace.GetOrAdd(
            System.Management.Automation.Runspaces.Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty, _ => new ConcurrentDictionary<Guid, Job2>());

        /// <summary>This runspace's worker jobs.</summary>
        internal static IReadOnlyList<KubiyaWorkerJob> Current => Jobs.Values.OfType<KubiyaWorkerJob>().OrderBy(j => j.Id).ToList();

        internal static void Track(Guid runspace, KubiyaWorkerJob job) => ByRunspace.GetOrAdd(runspace, _ => new ConcurrentDictionary<Guid, Job2>())[job.InstanceId] = job;

        internal static void Forget(KubiyaWorkerJob job)
        {
            foreach (var jobs in ByRunspace.Values) jobs.TryRemove(job.InstanceId, out _);
        }

        /// <summary>Creates a worker job from a definition made by <see cref="WorkerJobs"/>.</summary>
        public override Job2 NewJob(JobInvocationInfo specification)
        {
            var parameters = specification.Parameters.Count > 0 ? specification.Parameters[0] : null;
            object? Get(string name) => parameters?.FirstOrDefault(p => p.Name == name)?.Value;
            if (!(Get(WorkerJobs.SpecParameter) is WorkerJobs.Spec spec))
                throw new NotSupportedException("Start Kubiya workers with Start-KubiyaWorker.");
            var job = new KubiyaWorkerJob(specification.Command, spec.Name, spec.Settings, spec.Options);
            Track(spec.Runspace, job);
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
            if (job is KubiyaWorkerJob k)
            {
                Forget(k);
                k.Dispose();
            }
        }
    }
}
