using System.Collections.Generic;

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
        /// <summary>Environment variables for every step.</summary>
        public Dictionary<string, string> Env { get; set; } = new Dictionary<string, string>();
        /// <summary>File the agent came from, or <c>built-in</c>.</summary>
        public string Source { get; set; } = "";
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
}
