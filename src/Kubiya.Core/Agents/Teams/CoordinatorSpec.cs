using System.Collections.Generic;
using Kubiya.Core.Workflows;

namespace Kubiya.Core.Agents.Teams
{
    /// <summary>
    /// The team part of a coordinator execution's input: the members the coordinator model may
    /// delegate to, each resolved on the starting machine into the input of its own execution.
    /// Holds model names and secret references only, never a key.
    /// </summary>
    public sealed class CoordinatorSpec
    {
        /// <summary>Members, in the team's order.</summary>
        public List<TeamMemberInput> Members { get; set; } = new List<TeamMemberInput>();
        /// <summary>Priority of the team's execution, given to each member's execution (memo form: low, medium...).</summary>
        public string Priority { get; set; } = "medium";
        /// <summary>The server has the agent search attribute, so member executions set it (listings by agent find them).</summary>
        public bool AgentSearchAttribute { get; set; }
        /// <summary>Characters of a member's output handed back to the coordinator (its tail when longer).</summary>
        public int MaxMemberOutputChars { get; set; } = 8 * 1024;
    }

    /// <summary>One member of a coordinator team, ready to run as a child execution.</summary>
    public sealed class TeamMemberInput
    {
        /// <summary>Agent name.</summary>
        public string Name { get; set; } = "";
        /// <summary>One of <see cref="AgentKind"/> (runbook, builtin, llm).</summary>
        public string Kind { get; set; } = AgentKind.Runbook;
        /// <summary>What the member does, shown to the coordinator model.</summary>
        public string Description { get; set; } = "";
        /// <summary>The member's execution input; the delegated task becomes its prompt.</summary>
        public ExecutionInput Input { get; set; } = new ExecutionInput();
        /// <summary>The member's own budget (llm members); the team's remaining budget may lower it per delegation.</summary>
        public double? MaxCostUsd { get; set; }
        /// <summary>A built-in member (shell, powershell) runs the delegated task itself as its command.</summary>
        public bool RunsTaskAsCommand { get; set; }
    }
}
