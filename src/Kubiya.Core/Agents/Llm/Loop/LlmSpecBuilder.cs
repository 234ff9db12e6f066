using System;
using System.Collections.Generic;
using System.Linq;
using Kubiya.Core.Agents.Llm.Tools;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;

namespace Kubiya.Core.Agents.Llm.Loop
{
    /// <summary>Turns an llm agent definition and the request into the execution's <see cref="LlmExecutionSpec"/>.</summary>
    public static class LlmSpecBuilder
    {
        /// <summary>
        /// The model is the request's (<c>-Model</c>), else <c>KUBIYA_MODEL</c> / config, else the agent's.
        /// </summary>
        public static LlmExecutionSpec Build(AgentDefinition agent, ExecutionRequest request, KubiyaSettings settings)
        {
            var model = NonEmpty(request.Model) ?? NonEmpty(settings.Model) ?? NonEmpty(agent.Model)
                ?? throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "ModelRequired",
                    $"Agent '{agent.Name}' names no model: add 'model:' to {agent.Source}, pass {{-Model}}, or set KUBIYA_MODEL.", agent.Name);
            return new LlmExecutionSpec
            {
                Model = model,
                Instructions = agent.Instructions ?? $"You are {agent.Name}. {agent.Description}".Trim(),
                Tools = agent.Tools.ToList(),
                ToolSpecs = LlmToolCatalog.Specs(agent.Tools),
                Policy = Copy(agent.Policy),
                McpServers = agent.McpServers.ToList(),
                Env = new Dictionary<string, string>(agent.Env, StringComparer.Ordinal),
                MaxTurns = agent.MaxTurns,
                MaxCostUsd = agent.MaxCostUsd,
                Temperature = agent.Temperature,
                ApproveTools = request.ApproveTools,
                FailOnApproval = request.Local && (request.NonInteractive || settings.NonInteractive) && !request.ApproveTools,
                ContinueAsNewAfterTurns = settings.LlmContinueAsNewTurns,
                ToolTimeoutSeconds = settings.ActivityTimeout.TotalSeconds,
            };
        }

        private static ToolPolicy Copy(ToolPolicy p) => new ToolPolicy
        {
            Allow = p.Allow.ToList(),
            Deny = p.Deny.ToList(),
            Approve = p.Approve.ToList(),
            HttpAllowHosts = p.HttpAllowHosts.ToList(),
            GitWrite = p.GitWrite,
            Idempotent = p.Idempotent.ToList(),
        };

        private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s!.Trim();
    }
}
