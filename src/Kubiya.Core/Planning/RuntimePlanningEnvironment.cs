using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Executions;
using Kubiya.Core.Workers;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// Planning's view of the connected namespace: history through visibility (the same listing
    /// as Get-KubiyaExecution) and live workers through the server's task-queue pollers (as
    /// Get-KubiyaWorker finds them).
    /// </summary>
    public sealed class RuntimePlanningEnvironment : IPlanningEnvironment
    {
        private readonly KubiyaRuntime runtime;

        /// <summary>Creates the environment over a runtime.</summary>
        public RuntimePlanningEnvironment(KubiyaRuntime runtime) => this.runtime = runtime;

        /// <inheritdoc />
        public async Task<IReadOnlyList<ExecutionInfo>> HistoryAsync(string name, bool isTeam, int limit, CancellationToken cancellationToken)
        {
            var executions = await runtime.ExecutionsAsync(cancellationToken).ConfigureAwait(false);
            var filter = new ExecutionFilter
            {
                Statuses = new[] { ExecutionStatus.Completed },
                Agent = isTeam ? null : name,
                First = isTeam ? null : limit,
                Since = DateTimeOffset.Now.AddDays(-90),
            };
            var list = await executions.ListAsync(filter, cancellationToken).ConfigureAwait(false);
            return isTeam
                ? list.Where(e => string.Equals(e.Team, name, StringComparison.OrdinalIgnoreCase)).Take(limit).ToList()
                : list;
        }

        /// <inheritdoc />
        public async Task<PlanQueue> ChooseQueueAsync(string? queue, bool local, CancellationToken cancellationToken)
        {
            if (local) return new PlanQueue { Local = true, Reason = "an ephemeral worker in the calling process runs it (-Local / --local)" };
            if (queue != null)
            {
                var n = await runtime.LivePollerCountAsync(queue, cancellationToken).ConfigureAwait(false);
                return new PlanQueue { Name = queue, LiveWorkers = n, Reason = n > 0 ? $"the queue you named; {n} live worker(s)" : "the queue you named; no worker polls it now, so it waits until one starts" };
            }
            var candidates = new List<string>();
            if (!string.IsNullOrEmpty(runtime.Settings.Queue)) candidates.Add(runtime.Settings.Queue!);
            candidates.AddRange(runtime.KnownQueues().Where(q => !q.StartsWith("local-", StringComparison.Ordinal)));
            foreach (var q in candidates.Distinct(StringComparer.Ordinal))
            {
                var n = await runtime.LivePollerCountAsync(q, cancellationToken).ConfigureAwait(false);
                if (n > 0)
                    return new PlanQueue { Name = q, LiveWorkers = n, Reason = q == runtime.Settings.Queue ? $"the configured queue; {n} live worker(s)" : $"{n} live worker(s) poll it" };
            }
            return new PlanQueue
            {
                Local = true,
                Reason = candidates.Count == 0 ? "no queue is configured, so an ephemeral local worker runs it" : $"no live worker on {string.Join(", ", candidates.Distinct())}, so an ephemeral local worker runs it",
            };
        }
    }
}
