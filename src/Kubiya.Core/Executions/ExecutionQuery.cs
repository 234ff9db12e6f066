using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Kubiya.Core.Workflows;

namespace Kubiya.Core.Executions
{
    /// <summary>
    /// Turns an <see cref="ExecutionFilter"/> into a Temporal visibility query over built-in search
    /// attributes only (so it works on any cluster without registering custom ones); the parts
    /// that live in the memo (agent, team, the Running sub-states) are checked client-side by <see cref="Matches"/>.
    /// </summary>
    public static class ExecutionQuery
    {
        /// <summary>
        /// The visibility query for <paramref name="filter"/>; the agent goes into it only when the
        /// <c>KubiyaAgent</c> search attribute exists (<paramref name="agentAttribute"/>).
        /// </summary>
        public static string Build(ExecutionFilter filter, bool agentAttribute = false)
        {
            var parts = new List<string> { $"WorkflowType = '{WorkflowNames.Execution}'" };
            var statuses = filter.Statuses.SelectMany(ExecutionMapper.TemporalStatuses).Distinct().ToList();
            if (statuses.Count == 1) parts.Add($"ExecutionStatus = '{statuses[0]}'");
            else if (statuses.Count > 1) parts.Add("(" + string.Join(" OR ", statuses.Select(s => $"ExecutionStatus = '{s}'")) + ")");
            if (agentAttribute && !string.IsNullOrEmpty(filter.Agent)) parts.Add($"{SearchAttributeSupport.Agent.Name} = '{Escape(filter.Agent!)}'");
            if (!string.IsNullOrEmpty(filter.Queue)) parts.Add($"TaskQueue = '{Escape(filter.Queue!)}'");
            // Set by Temporal on every workflow a schedule starts.
            if (!string.IsNullOrEmpty(filter.Schedule)) parts.Add($"TemporalScheduledById = '{Escape(filter.Schedule!)}'");
            if (filter.Since is { } since)
                parts.Add($"StartTime >= '{since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}'");
            return string.Join(" AND ", parts);
        }

        /// <summary>True when <paramref name="info"/> passes every part of <paramref name="filter"/>.</summary>
        public static bool Matches(ExecutionFilter filter, ExecutionInfo info)
        {
            if (filter.Statuses.Count > 0 && !filter.Statuses.Contains(info.Status)) return false;
            if (!string.IsNullOrEmpty(filter.Agent) && !string.Equals(filter.Agent, info.Agent, System.StringComparison.OrdinalIgnoreCase)) return false;
            if (!string.IsNullOrEmpty(filter.Team) && !string.Equals(filter.Team, info.Team, System.StringComparison.OrdinalIgnoreCase)) return false;
            if (!string.IsNullOrEmpty(filter.Queue) && !string.Equals(filter.Queue, info.Queue, System.StringComparison.Ordinal)) return false;
            if (!string.IsNullOrEmpty(filter.Schedule) && !string.Equals(filter.Schedule, info.Schedule, System.StringComparison.Ordinal)) return false;
            if (filter.Since is { } since && info.CreatedAt < since) return false;
            return true;
        }

        private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("'", "\\'");
    }
}
