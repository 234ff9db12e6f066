using System;
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

        private static readonly RunspaceJobTable Table = new RunspaceJobTable();

        /// <summary>Creates the adapter.</summary>
        public KubiyaWorkerJobSourceAdapter() => Name = AdapterName;

        /// <summary>This runspace's worker jobs.</summary>
        internal static IReadOnlyList<KubiyaWorkerJob> Current => Table.Current.OfType<KubiyaWorkerJob>().OrderBy(j => j.Id).ToList();

        internal static void Track(Guid runspace, KubiyaWorkerJob job) => Table.Track(runspace, job);

        internal static void Forget(KubiyaWorkerJob job) => Table.Forget(job);

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
