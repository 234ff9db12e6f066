using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Kubiya.Core.Agents;
using Kubiya.Core.Agents.Llm.Loop;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.Core.Workflows;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Kubiya.Core.Schedules
{
    /// <summary>
    /// Resolves the agent or team a scheduled execution names, on the worker that runs it, from
    /// that worker's agent folders (and the execution's working directory's <c>.kubiya/agents</c>):
    /// a schedule names agents, it never keeps a copy, so each run uses the agent as it is then.
    /// </summary>
    public sealed class ScheduledAgentResolver
    {
        /// <summary>Activity name.</summary>
        public const string ActivityName = "kubiya.resolve-agent";

        private readonly KubiyaSettings settings;
        private readonly string defaultDirectory;
        private readonly Func<Task<bool>>? agentSearchAttribute;

        /// <summary>
        /// Creates the resolver for a worker; <paramref name="agentSearchAttribute"/> tells whether the
        /// server has the <c>KubiyaAgent</c> search attribute (the worker's connection knows).
        /// </summary>
        public ScheduledAgentResolver(KubiyaSettings settings, string? defaultDirectory, Func<Task<bool>>? agentSearchAttribute = null)
        {
            this.settings = settings;
            this.defaultDirectory = defaultDirectory ?? Directory.GetCurrentDirectory();
            this.agentSearchAttribute = agentSearchAttribute;
        }

        /// <summary>
        /// The input with its steps (runbook) or agent loop (llm) filled in. An unknown agent fails
        /// the run with <c>AgentNotFound</c>, not retried: nothing changes by trying again.
        /// </summary>
        [Activity(ActivityName)]
        public async Task<ExecutionInput> Resolve(ExecutionInput input)
        {
            // Scheduled runs and their team members carry the same attributes as runs started by hand.
            var attribute = agentSearchAttribute != null && await agentSearchAttribute().ConfigureAwait(false);
            try { return ResolveNow(input, attribute); }
            catch (KubiyaException ex)
            {
                var type = ex.Kind == KubiyaErrorKind.NotFound ? "AgentNotFound" : ex.ErrorId;
                throw new ApplicationFailureException(ex.Message, type, nonRetryable: true);
            }
        }

        /// <summary>The resolution itself (also used by tests without a worker).</summary>
        public ExecutionInput ResolveNow(ExecutionInput input, bool agentSearchAttribute = false)
        {
            var name = input.Agent ?? input.Team
                ?? throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "AgentRequired", "The scheduled execution names no agent or team.", null);
            var catalog = AgentCatalog.Load(settings.Paths, string.IsNullOrEmpty(input.WorkingDirectory) ? defaultDirectory : input.WorkingDirectory!);
            AgentDefinition agent;
            try { agent = catalog.Get(name, team: input.Team != null); }
            catch (KubiyaException ex) when (ex.Kind == KubiyaErrorKind.NotFound)
            {
                throw new KubiyaException(KubiyaErrorKind.NotFound, "AgentNotFound",
                    $"Schedule '{input.Schedule}' runs {(input.Team != null ? "team" : "agent")} '{name}', which the worker {Environment.MachineName} does not have: {ex.Message}", name, ex);
            }
            if (input.Team != null && agent.Kind != AgentKind.Team)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "NotATeam", $"'{name}' is an agent, not a team.", name);
            if (input.Agent != null && agent.Kind == AgentKind.Team)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "NotAnAgent", $"'{name}' is a team, not an agent.", name);
            var request = new ExecutionRequest
            {
                Prompt = input.Prompt, Agent = input.Agent, Team = input.Team, WorkingDirectory = input.WorkingDirectory,
                AutoApprove = input.AutoApprove, Environment = input.Environment,
            };
            LlmExecutionSpec? llm = null;
            if (Agents.Teams.CoordinatorBuilder.IsCoordinator(agent))
                (llm, input.Coordinator) = Agents.Teams.CoordinatorBuilder.Build(agent, catalog, request, settings, agentSearchAttribute);
            else if (agent.Kind == AgentKind.Llm)
                llm = LlmSpecBuilder.Build(agent, request, settings);
            input.Steps = llm != null ? new List<StepDefinition>() : catalog.StepsFor(agent, input.Prompt);
            input.Llm = llm;
            if (llm != null && !string.IsNullOrEmpty(agent.WorkingDirectory))
                input.WorkingDirectory = string.IsNullOrEmpty(input.WorkingDirectory) || Path.IsPathRooted(agent.WorkingDirectory)
                    ? agent.WorkingDirectory : Path.Combine(input.WorkingDirectory!, agent.WorkingDirectory!);
            input.ResolveAtRun = false;
            input.AgentSearchAttribute = agentSearchAttribute && input.Agent != null;
            return input;
        }
    }
}
