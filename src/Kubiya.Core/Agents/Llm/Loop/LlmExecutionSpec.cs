using System.Collections.Generic;
using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Agents.Llm.Loop
{
    /// <summary>
    /// The llm part of an execution's input: the agent resolved on the starting machine, so any
    /// worker can run the loop. Holds model names and secret references only, never a key.
    /// </summary>
    public sealed class LlmExecutionSpec
    {
        /// <summary>Gateway model name.</summary>
        public string Model { get; set; } = "";
        /// <summary>System prompt.</summary>
        public string Instructions { get; set; } = "";
        /// <summary>Built-in tool names offered.</summary>
        public List<string> Tools { get; set; } = new List<string>();
        /// <summary>Their specs as offered to the model (MCP tools are added by the worker at the first turn).</summary>
        public List<ToolSpec> ToolSpecs { get; set; } = new List<ToolSpec>();
        /// <summary>Tool policy (allow, deny, approve, idempotent, hosts, git write).</summary>
        public ToolPolicy Policy { get; set; } = new ToolPolicy();
        /// <summary>MCP servers.</summary>
        public List<McpServerDefinition> McpServers { get; set; } = new List<McpServerDefinition>();
        /// <summary>Environment for tool processes (values may be <c>${env:NAME}</c>).</summary>
        public Dictionary<string, string> Env { get; set; } = new Dictionary<string, string>();
        /// <summary>Model calls allowed.</summary>
        public int MaxTurns { get; set; } = AgentDefinition.DefaultMaxTurns;
        /// <summary>Budget in USD; null = none.</summary>
        public double? MaxCostUsd { get; set; }
        /// <summary>Sampling temperature.</summary>
        public double? Temperature { get; set; }
        /// <summary>Tools under <see cref="ToolPolicy.Approve"/> run without asking (<c>-ApproveTools</c>).</summary>
        public bool ApproveTools { get; set; }
        /// <summary>A tool that needs approval fails the execution with <c>ApprovalRequired</c> (non-interactive local runs).</summary>
        public bool FailOnApproval { get; set; }
        /// <summary>Model turns per workflow run before it continues as new (0 = only when the server suggests it).</summary>
        public int ContinueAsNewAfterTurns { get; set; } = 40;
        /// <summary>Characters of a tool result kept in the conversation.</summary>
        public int MaxToolOutputChars { get; set; } = 16 * 1024;
        /// <summary>Seconds before a tool call is stopped.</summary>
        public double ToolTimeoutSeconds { get; set; } = 600;
        /// <summary>Seconds one model call may take.</summary>
        public double ModelTimeoutSeconds { get; set; } = 300;
    }

    /// <summary>
    /// What a continued run carries over from the previous one (continue-as-new) or from a parent
    /// execution: the conversation and the running totals.
    /// </summary>
    public sealed class LlmConversationState
    {
        /// <summary>Messages after the system prompt.</summary>
        public List<LlmMessage> Messages { get; set; } = new List<LlmMessage>();
        /// <summary>Tool specs resolved so far (including MCP tools), so a continued run does not ask again.</summary>
        public List<ToolSpec>? ToolSpecs { get; set; }
        /// <summary>Model calls so far.</summary>
        public int Turns { get; set; }
        /// <summary>Tool calls so far.</summary>
        public int ToolCalls { get; set; }
        /// <summary>Prompt tokens so far.</summary>
        public long InputTokens { get; set; }
        /// <summary>Completion tokens so far.</summary>
        public long OutputTokens { get; set; }
        /// <summary>Cost so far (USD).</summary>
        public double CostUsd { get; set; }
        /// <summary>Runs of the workflow so far (1 = the first).</summary>
        public int Run { get; set; } = 1;
    }
}
