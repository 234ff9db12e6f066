using System.Collections.Generic;
using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Agents
{
    /// <summary>An agent from the catalogue: a runbook, a built-in command runner, or a team of agents.</summary>
    public sealed class AgentDefinition
    {
        /// <summary>Unique name.</summary>
        public string Name { get; set; } = "";
        /// <summary>What the agent does.</summary>
        public string Description { get; set; } = "";
        /// <summary>Free-form tags.</summary>
        public List<string> Tags { get; set; } = new List<string>();
        /// <summary>One of <see cref="AgentKind"/>.</summary>
        public string Kind { get; set; } = AgentKind.Runbook;
        /// <summary>Steps of a runbook.</summary>
        public List<StepDefinition> Steps { get; set; } = new List<StepDefinition>();
        /// <summary>Members of a team, in order.</summary>
        public List<string> Agents { get; set; } = new List<string>();
        /// <summary>team: where each member is named in the file, as FILE:LINE:COLUMN (same order as <see cref="Agents"/>), for errors.</summary>
        public List<string> AgentLocations { get; set; } = new List<string>();
        /// <summary>team: one of <see cref="TeamMode"/>.</summary>
        public string Mode { get; set; } = TeamMode.Sequential;
        /// <summary>Environment variables for every step.</summary>
        public Dictionary<string, string> Env { get; set; } = new Dictionary<string, string>();
        /// <summary>File the agent came from, or <c>built-in</c>.</summary>
        public string Source { get; set; } = "";
        /// <summary>Problems that did not stop the file from loading (e.g. a literal secret in env), as FILE:LINE:COLUMN: text.</summary>
        public List<string> Warnings { get; set; } = new List<string>();
        /// <summary>llm and coordinator teams: gateway model name (models.yaml <c>model_name</c>); null = the configured default.</summary>
        public string? Model { get; set; }
        /// <summary>llm and coordinator teams: the system prompt (from <c>instructions</c> or <c>instructionsFile</c>).</summary>
        public string? Instructions { get; set; }
        /// <summary>llm: built-in tool names the model may call.</summary>
        public List<string> Tools { get; set; } = new List<string>();
        /// <summary>llm: MCP servers whose tools are offered too.</summary>
        public List<McpServerDefinition> McpServers { get; set; } = new List<McpServerDefinition>();
        /// <summary>llm: allow / deny / approve / idempotent rules for the tools.</summary>
        public ToolPolicy Policy { get; set; } = new ToolPolicy();
        /// <summary>llm and coordinator teams: model calls before the execution fails with MaxTurnsExceeded.</summary>
        public int MaxTurns { get; set; } = DefaultMaxTurns;
        /// <summary>llm and coordinator teams (members included): cost in USD above which the execution fails with BudgetExceeded; null = no budget.</summary>
        public double? MaxCostUsd { get; set; }
        /// <summary>llm and coordinator teams: sampling temperature.</summary>
        public double? Temperature { get; set; }
        /// <summary>llm: folder (relative to the execution's) the tools are confined to.</summary>
        public string? WorkingDirectory { get; set; }

        /// <summary>Default of <see cref="MaxTurns"/>.</summary>
        public const int DefaultMaxTurns = 20;
    }

    /// <summary>Kinds of agent definition.</summary>
    public static class AgentKind
    {
        /// <summary>Deterministic steps.</summary>
        public const string Runbook = "runbook";
        /// <summary>Runs the prompt itself as a command.</summary>
        public const string BuiltIn = "builtin";
        /// <summary>A group of agents.</summary>
        public const string Team = "team";
        /// <summary>A language-model agent.</summary>
        public const string Llm = "llm";
    }

    /// <summary>How a team runs its members.</summary>
    public static class TeamMode
    {
        /// <summary>Each member's steps in order (the default).</summary>
        public const string Sequential = "sequential";
        /// <summary>A coordinator model delegates sub-tasks to members, each a child execution.</summary>
        public const string Coordinator = "coordinator";
    }
}
