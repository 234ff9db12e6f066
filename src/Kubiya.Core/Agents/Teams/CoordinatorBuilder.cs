using System.Collections.Generic;
using System.IO;
using System.Linq;
using Kubiya.Core.Agents.Llm.Loop;
using Kubiya.Core.Configuration;
using Kubiya.Core.Executions;
using Kubiya.Core.Workflows;

namespace Kubiya.Core.Agents.Teams
{
    /// <summary>
    /// Resolves a <c>mode: coordinator</c> team on the starting machine: the coordinator's agent
    /// loop (its model, instructions and the <see cref="DelegateTool"/>) and every member's own
    /// execution input, so any worker can run the team without the agent files.
    /// </summary>
    public static class CoordinatorBuilder
    {
        /// <summary>True for a team whose coordinator model delegates to its members.</summary>
        public static bool IsCoordinator(AgentDefinition agent) => agent.Kind == AgentKind.Team && agent.Mode == TeamMode.Coordinator;

        /// <summary>
        /// The coordinator loop and the members. The request's model (<c>-Model</c>, <c>KUBIYA_MODEL</c>)
        /// overrides every model, the coordinator's and the llm members', as it does for a single agent.
        /// </summary>
        public static (LlmExecutionSpec Loop, CoordinatorSpec Team) Build(AgentDefinition team, AgentCatalog catalog, ExecutionRequest request,
            KubiyaSettings settings, bool agentSearchAttribute)
        {
            var members = catalog.MembersOf(team).Select(m => Member(m, catalog, request, settings)).ToList();
            var loop = LlmSpecBuilder.Build(team, request, settings);
            loop.Tools = new List<string> { DelegateTool.Name };
            loop.ToolSpecs = new List<Llm.ToolSpec> { DelegateTool.Spec(members) };
            loop.Instructions = DelegateTool.Instructions(team, members);
            var spec = new CoordinatorSpec
            {
                Members = members,
                Priority = request.Priority.ToString().ToLowerInvariant(),
                AgentSearchAttribute = agentSearchAttribute,
            };
            return (loop, spec);
        }

        private static TeamMemberInput Member(AgentDefinition member, AgentCatalog catalog, ExecutionRequest request, KubiyaSettings settings)
        {
            var llm = member.Kind == AgentKind.Llm ? LlmSpecBuilder.Build(member, request, settings) : null;
            return new TeamMemberInput
            {
                Name = member.Name,
                Kind = member.Kind,
                Description = member.Description,
                MaxCostUsd = llm?.MaxCostUsd,
                RunsTaskAsCommand = member.Kind == AgentKind.BuiltIn,
                Input = new ExecutionInput
                {
                    Agent = member.Name,
                    Environment = request.Environment ?? settings.Environment,
                    WorkingDirectory = Combine(request.WorkingDirectory, llm != null ? member.WorkingDirectory : null),
                    AutoApprove = request.AutoApprove,
                    // A built-in member's one step is the delegated task itself; it is filled in per delegation.
                    Steps = llm != null ? new List<StepDefinition>() : catalog.StepsFor(member, ""),
                    Llm = llm,
                    HeartbeatTimeoutSeconds = System.Math.Max(3, settings.StepHeartbeatInterval.TotalSeconds * 4),
                    DefaultStepTimeoutSeconds = settings.ActivityTimeout.TotalSeconds,
                },
            };
        }

        private static string? Combine(string? root, string? sub)
        {
            if (string.IsNullOrEmpty(sub)) return root;
            if (string.IsNullOrEmpty(root) || Path.IsPathRooted(sub)) return sub;
            return Path.Combine(root, sub);
        }
    }
}
