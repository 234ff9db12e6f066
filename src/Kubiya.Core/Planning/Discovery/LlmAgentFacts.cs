using System.Collections.Generic;
using Kubiya.Core.Agents;

namespace Kubiya.Core.Planning
{
    /// <summary>What planning needs to know of an llm agent: its model, tools and typical turns.</summary>
    public sealed class LlmAgentFacts
    {
        /// <summary>Model name, or null for the configured default.</summary>
        public string? Model { get; set; }
        /// <summary>Tool names.</summary>
        public List<string> Tools { get; set; } = new List<string>();
        /// <summary>Instructions text (counted in the token estimate).</summary>
        public string Instructions { get; set; } = "";
        /// <summary>Budget of one execution, when the agent sets one.</summary>
        public double? MaxCostUsd { get; set; }
        /// <summary>Upper bound on turns, when the agent sets one.</summary>
        public int? MaxTurns { get; set; }

        /// <summary>Reads the facts of <paramref name="agent"/>.</summary>
        public static LlmAgentFacts Of(AgentDefinition agent)
        {
            var tools = new List<string>(agent.Tools);
            // MCP tools are only known once the server runs; planning names the server.
            foreach (var server in agent.McpServers) tools.Add(server.Name + "__*");
            return new LlmAgentFacts
            {
                Model = agent.Model,
                Tools = tools,
                Instructions = agent.Instructions ?? "",
                MaxTurns = agent.MaxTurns > 0 ? agent.MaxTurns : (int?)null,
                MaxCostUsd = agent.MaxCostUsd,
            };
        }
    }
}
