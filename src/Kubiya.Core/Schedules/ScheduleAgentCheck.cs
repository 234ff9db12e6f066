using System;
using System.Linq;
using Kubiya.Core.Agents;

namespace Kubiya.Core.Schedules
{
    /// <summary>
    /// A schedule names its agent and the worker looks it up when it fires, so an unknown name is
    /// allowed; but a name nobody here knows is usually a typo, which the user hears about at once
    /// rather than from the first failed run.
    /// </summary>
    public static class ScheduleAgentCheck
    {
        /// <summary>
        /// A warning when <paramref name="request"/>'s agent or team is not in <paramref name="catalog"/>
        /// (what the creating machine sees), else null.
        /// </summary>
        public static string? Warning(AgentCatalog catalog, ScheduleRequest request) =>
            Warning(catalog, request.Agent, request.Team, request.Queue);

        /// <summary>
        /// For a change of a schedule (Set-KubiyaSchedule, <c>kubiya schedule update</c>): the same warning
        /// when <paramref name="changes"/> names an agent or team this machine does not know, with the
        /// queue <paramref name="updated"/> runs on; null when the agent and team were left as they were.
        /// </summary>
        public static string? Warning(AgentCatalog catalog, ScheduleChanges changes, ScheduleInfo updated)
        {
            if (string.IsNullOrWhiteSpace(changes.Agent) && string.IsNullOrWhiteSpace(changes.Team)) return null;
            return Warning(catalog, changes.Agent, changes.Team, updated.Queue);
        }

        private static string? Warning(AgentCatalog catalog, string? agent, string? teamName, string? queue)
        {
            var team = !string.IsNullOrWhiteSpace(teamName);
            var name = team ? teamName : agent;
            if (string.IsNullOrWhiteSpace(name)) return null;
            var known = catalog.KnownNames(team);
            if (known.Contains(name!, StringComparer.OrdinalIgnoreCase)) return null;
            var what = team ? "team" : "agent";
            return $"No {what} named '{name}' is known here ({(known.Count > 0 ? "known: " + string.Join(", ", known) : "none defined")}). " +
                $"The schedule names it anyway: each run fails with AgentNotFound unless the workers of queue '{queue}' have it when it fires.";
        }
    }
}
