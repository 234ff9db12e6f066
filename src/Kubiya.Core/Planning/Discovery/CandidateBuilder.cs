using System;
using System.Collections.Generic;
using System.Linq;
using Kubiya.Core.Agents;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// Turns the agent catalogue into planning candidates. The built-in <c>shell</c> and
    /// <c>powershell</c> agents run the prompt itself as a command, so planning never offers them.
    /// </summary>
    public static class CandidateBuilder
    {
        /// <summary>Every agent and team planning may pick.</summary>
        public static List<PlanningCandidate> FromCatalog(AgentCatalog catalog) =>
            catalog.Agents.Where(IsPlannable).Select(a => From(a, catalog)).ToList();

        /// <summary>False for the built-ins that run the prompt as a command.</summary>
        public static bool IsPlannable(AgentDefinition agent) =>
            agent.Kind != AgentKind.BuiltIn
            && !string.Equals(agent.Name, AgentCatalog.ShellAgent, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(agent.Name, AgentCatalog.PowerShellAgent, StringComparison.OrdinalIgnoreCase);

        /// <summary>One candidate.</summary>
        public static PlanningCandidate From(AgentDefinition agent, AgentCatalog catalog)
        {
            var c = new PlanningCandidate
            {
                Name = agent.Name,
                Kind = agent.Kind,
                Description = agent.Description,
                Tags = agent.Tags.ToList(),
                DefinitionHash = AgentHash.Of(agent, catalog),
            };
            if (agent.Kind == AgentKind.Team)
            {
                c.Members = agent.Agents.ToList();
                foreach (var name in agent.Agents)
                {
                    AgentDefinition member;
                    try { member = catalog.Get(name); }
                    catch (KubiyaException) { continue; }
                    // A member's description says what the team does as much as its steps do.
                    c.Commands.Add(member.Description);
                    AddMember(c, member, name + "/");
                }
            }
            else
            {
                AddMember(c, agent, "");
            }
            return c;
        }

        private static void AddMember(PlanningCandidate c, AgentDefinition agent, string prefix)
        {
            if (agent.Kind == AgentKind.Llm)
            {
                var llm = LlmAgentFacts.Of(agent);
                c.Model ??= llm.Model;
                c.Tools.AddRange(llm.Tools);
                // The instructions say what the agent is for as much as a runbook's commands do.
                if (llm.Instructions.Length > 0) c.Commands.Add(llm.Instructions);
                c.Steps.Add(new PlanStep
                {
                    Name = prefix + "agent",
                    Kind = "model",
                    Detail = $"model {llm.Model ?? "(default)"}; tools: {(llm.Tools.Count == 0 ? "none" : string.Join(", ", llm.Tools))}",
                });
                return;
            }
            foreach (var s in agent.Steps)
            {
                c.StepNames.Add(s.Name);
                var detail = StepDetail(s);
                if (detail.Length > 0) c.Commands.Add(detail);
                c.Steps.Add(new PlanStep { Name = prefix + s.Name, Kind = s.Kind, Detail = detail });
            }
        }

        /// <summary>The one-line detail of a step.</summary>
        public static string StepDetail(StepDefinition s)
        {
            switch (s.Kind)
            {
                case StepKind.Approval:
                    return s.Question ?? "";
                case StepKind.Changes:
                    var rules = s.Changes?.Rules ?? new List<ChangeRule>();
                    return string.Join("; ", rules.Select(r => $"{string.Join(",", r.Paths)} -> {r.Command}")
                        .Concat(s.Changes?.Otherwise is { } o ? new[] { "otherwise -> " + o.Command } : Array.Empty<string>()));
                default:
                    return (s.Command ?? "").Trim();
            }
        }
    }
}
