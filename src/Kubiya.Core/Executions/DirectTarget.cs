using System;
using System.Collections.Generic;
using Kubiya.Core.Agents;
using Kubiya.Core.Agents.Llm.Loop;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Executions
{
    /// <summary>
    /// The agent or team a direct-mode request names, resolved as a run would resolve it: the
    /// definition, the steps it runs (a team's members' steps in order) or, for an llm agent, its
    /// loop. Starting an execution and previewing one (-WhatIf) both go through here.
    /// </summary>
    public sealed class DirectTarget
    {
        private DirectTarget(AgentDefinition agent, List<StepDefinition> steps, LlmExecutionSpec? llm, Agents.Teams.CoordinatorSpec? coordinator)
        {
            Agent = agent;
            Steps = steps;
            Llm = llm;
            Coordinator = coordinator;
        }

        /// <summary>The agent or team definition.</summary>
        public AgentDefinition Agent { get; }

        /// <summary>The steps that run (empty for an llm agent).</summary>
        public List<StepDefinition> Steps { get; }

        /// <summary>The agent loop of an llm agent or of a coordinator team's coordinator; null otherwise.</summary>
        public LlmExecutionSpec? Llm { get; }

        /// <summary>A coordinator team's members; null otherwise.</summary>
        public Agents.Teams.CoordinatorSpec? Coordinator { get; }

        /// <summary>
        /// Resolves <paramref name="request"/>'s agent or team from <paramref name="lookupDirectory"/>; <paramref name="warning"/> hears
        /// about definition warnings. <paramref name="agentSearchAttribute"/>: a coordinator team's members set the agent search attribute.
        /// </summary>
        public static DirectTarget Resolve(KubiyaSettings settings, ExecutionRequest request, string lookupDirectory, Action<string>? warning,
            bool agentSearchAttribute = false)
        {
            if (string.IsNullOrWhiteSpace(request.Prompt))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "PromptRequired", "The prompt must not be empty.", null);
            if (request.Agent != null && request.Team != null)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "AgentAndTeam", "Choose an agent or a team, not both.", null);
            var name = request.Agent ?? request.Team
                ?? throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "AgentRequired",
                    "Direct mode needs an agent or a team (e.g. {-Agent} shell); without one, {Invoke-KubiyaExec} plans first.", null);
            var catalog = AgentCatalog.Load(settings.Paths, lookupDirectory);
            var agent = catalog.Get(name, team: request.Team != null);
            if (warning != null) foreach (var w in catalog.WarningsFor(agent)) warning(w);
            if (request.Team != null && agent.Kind != AgentKind.Team)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "NotATeam", $"'{name}' is an agent, not a team; use {{-Agent}}.", name);
            if (request.Agent != null && agent.Kind == AgentKind.Team)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "NotAnAgent", $"'{name}' is a team, not an agent; use {{-Team}}.", name);
            LlmExecutionSpec? llm = null;
            Agents.Teams.CoordinatorSpec? coordinator = null;
            if (Agents.Teams.CoordinatorBuilder.IsCoordinator(agent))
                (llm, coordinator) = Agents.Teams.CoordinatorBuilder.Build(agent, catalog, request, settings, agentSearchAttribute);
            else if (agent.Kind == AgentKind.Llm)
                llm = LlmSpecBuilder.Build(agent, request, settings);
            var steps = llm != null ? new List<StepDefinition>() : catalog.StepsFor(agent, request.Prompt);
            return new DirectTarget(agent, steps, llm, coordinator);
        }
    }
}
