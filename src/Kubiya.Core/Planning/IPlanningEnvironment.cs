using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Executions;

namespace Kubiya.Core.Planning
{
    /// <summary>What planning reads beyond the agent catalogue: past executions and queues with live workers.</summary>
    public interface IPlanningEnvironment
    {
        /// <summary>Past executions of an agent or team, newest first (at most <paramref name="limit"/>).</summary>
        Task<IReadOnlyList<ExecutionInfo>> HistoryAsync(string name, bool isTeam, int limit, CancellationToken cancellationToken);

        /// <summary>
        /// Where to run: <paramref name="local"/> forces an ephemeral local worker, <paramref name="queue"/>
        /// names one; otherwise the first known queue with live workers, or local when none has any.
        /// </summary>
        Task<PlanQueue> ChooseQueueAsync(string? queue, bool local, CancellationToken cancellationToken);
    }
}
