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
        public static string? Warning(AgentCatalog catalog, ScheduleRequest request)
        {
            var team = !string.IsNullOrWhiteSpace(request.Team);
            var name = team ? request.Team : request.Agent;
            if (string.IsNullOrWhiteSpace(name)) return null;
            var known = catalog.Agents.Where(a => (a.Kind == AgentKind.Team) == team).Select(a => a.Name).ToList();
            if (known.Contains(name!, StringComparer.OrdinalIgnoreCase)) return null;
            var what = team ? "team" : "agent";
            return $"No {what} named '{name}' is known here ({(known.Count > 0 ? "known: " + string.Join(", ", known) : "none defined")}). " +
                $"The schedule names it anyway: each run fails with AgentNotFound unless the workers of queue '{request.Queue}' have it when it fires.";
        }
    }
}
