using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Kubiya.Core.Agents;

namespace Kubiya.Core.Executions
{
    /// <summary>
    /// What a direct-mode exec would run, without running it (-WhatIf): the agent or team, its steps
    /// (or an llm agent's model and tools) and where it would go.
    /// </summary>
    public sealed class ExecPreview
    {
        /// <summary>The resolved target.</summary>
        public DirectTarget Target { get; set; } = null!;
        /// <summary>Queue it would be sent to; null for a local run.</summary>
        public string? Queue { get; set; }
        /// <summary>Workers polling <see cref="Queue"/> now; null when unknown or local.</summary>
        public int? Pollers { get; set; }
        /// <summary>The prompt.</summary>
        public string Prompt { get; set; } = "";
        /// <summary>Whether approval steps would be answered yes (-Yes).</summary>
        public bool AutoApprove { get; set; }

        /// <summary>Readable lines: a headline, then one line per step (or the model and tools).</summary>
        public IReadOnlyList<string> Lines()
        {
            var agent = Target.Agent;
            var lines = new List<string>();
            var what = agent.Kind == AgentKind.Team ? $"team '{agent.Name}' ({string.Join(", ", agent.Agents)})" : $"agent '{agent.Name}' ({agent.Kind})";
            var where = Queue == null
                ? "an ephemeral worker in this session (-Local)"
                : $"queue '{Queue}'" + (Pollers is int n ? (n == 0 ? " (no worker polls it now: it would stay Pending)" : $" ({n} worker(s) polling)") : "");
            lines.Add($"Run {what} on {where}.");
            lines.Add("Prompt: " + OneLine(Prompt));
            if (Target.Llm is { } llm)
            {
                var budget = llm.MaxCostUsd is double cost ? ", budget $" + cost.ToString("0.####", CultureInfo.InvariantCulture) : "";
                lines.Add($"Model: {llm.Model}, at most {llm.MaxTurns} turn(s){budget}.");
                lines.Add("Tools: " + (llm.Tools.Count == 0 ? "none" : string.Join(", ", llm.Tools)) +
                    (llm.Policy.Approve.Count > 0 ? $" (asking before: {string.Join(", ", llm.Policy.Approve)}{(llm.ApproveTools ? "; approved by -ApproveTools" : "")})" : "") +
                    (llm.Policy.Deny.Count > 0 ? $" (denied: {string.Join(", ", llm.Policy.Deny)})" : ""));
                return lines;
            }
            lines.Add($"Steps ({Target.Steps.Count}):");
            for (var i = 0; i < Target.Steps.Count; i++) lines.Add($"  {i + 1}. {Describe(Target.Steps[i])}");
            return lines;
        }

        /// <inheritdoc />
        public override string ToString() => string.Join("\n", Lines());

        private string Describe(StepDefinition step)
        {
            switch (step.Kind)
            {
                case StepKind.Approval:
                    return $"{step.Name} (approval): {OneLine(step.Question ?? "Continue?")}" + (AutoApprove ? " - approved by -Yes" : " - asks before going on");
                case StepKind.Changes:
                    var rules = step.Changes?.Rules.Count ?? 0;
                    return $"{step.Name} (changes since {step.Changes?.Base ?? "HEAD"}): {rules} rule(s)" + (step.Changes?.Otherwise != null ? " and an otherwise command" : "");
                default:
                    var sb = new StringBuilder().Append(step.Name).Append(" (").Append(step.Kind).Append("): ").Append(OneLine(step.Command ?? ""));
                    if (step.Retries > 0) sb.Append(" [retries ").Append(step.Retries.ToString(CultureInfo.InvariantCulture)).Append(']');
                    if (step.ContinueOnError) sb.Append(" [continueOnError]");
                    return sb.ToString();
            }
        }

        private static string OneLine(string s)
        {
            var i = s.IndexOfAny(new[] { '\r', '\n' });
            var first = i < 0 ? s : s.Substring(0, i) + " ...";
            return first.Length <= 120 ? first : first.Substring(0, 117) + "...";
        }
    }
}
