using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Kubiya.PowerShell.Jobs
{
    /// <summary>
    /// The jobs of one Kubiya job source adapter, kept per runspace (like the job repository's, so
    /// one session never sees another's), with the lookups Get-Job makes. Each adapter holds one;
    /// a shared base class is not possible, as PowerShell registers every public adapter type a
    /// module holds, abstract ones included.
    /// </summary>
    internal sealed class RunspaceJobTable
    {
        private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Job2>> byRunspace =
            new ConcurrentDictionary<Guid, ConcurrentDictionary<Guid, Job2>>();

        /// <summary>The jobs of the calling runspace.</summary>
        public ICollection<Job2> Current => OfCaller.Values;

        /// <summary>Keeps <paramref name="job"/> as a job of <paramref name="runspace"/>.</summary>
        public void Track(Guid runspace, Job2 job) => Of(runspace)[job.InstanceId] = job;

        /// <summary>Forgets a job (one removed, or one that never started).</summary>
        public void Forget(Job2 job)
        {
            foreach (var jobs in byRunspace.Values) jobs.TryRemove(job.InstanceId, out _);
        }

        public IList<Job2> ByName(string name) => Matching(name, j => j.Name);

        public IList<Job2> ByCommand(string command) => Matching(command, j => j.Command);

        public IList<Job2> ByState(JobState state) => Current.Where(j => j.JobStateInfo.State == state).ToList();

        public Job2 ByInstanceId(Guid instanceId) => OfCaller.TryGetValue(instanceId, out var j) ? j : null!;

        public Job2 BySessionId(int id) => Current.FirstOrDefault(j => j.Id == id)!;

        private IList<Job2> Matching(string wildcard, Func<Job2, string> field)
        {
            var pattern = new WildcardPattern(wildcard, WildcardOptions.IgnoreCase);
            return Current.Where(j => pattern.IsMatch(field(j))).ToList();
        }

        private ConcurrentDictionary<Guid, Job2> OfCaller => Of(System.Management.Automation.Runspaces.Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty);

        private ConcurrentDictionary<Guid, Job2> Of(Guid runspace) => byRunspace.GetOrAdd(runspace, _ => new ConcurrentDictionary<Guid, Job2>());
    }
}
