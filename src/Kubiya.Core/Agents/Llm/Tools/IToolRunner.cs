using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// Runs one tool call on a worker, confined to the execution's working directory and governed
    /// by the agent's <see cref="ToolPolicy"/>. Built-in tools and MCP tools alike.
    /// </summary>
    public interface IToolRunner
    {
        /// <summary>
        /// Runs the call. Tool-level problems (bad arguments, path escape, denied command, non-zero
        /// exit) come back as <see cref="ToolResult.IsError"/> for the model to read; only a
        /// cancellation throws. <paramref name="onOutputLine"/> streams process output as written.
        /// </summary>
        Task<ToolResult> RunAsync(ToolRequest request, Action<string, bool> onOutputLine, CancellationToken cancellationToken);
    }

    /// <summary>One tool call, as handed to the tool activity (history-safe: no secret values).</summary>
    public sealed class ToolRequest
    {
        /// <summary>Execution (for logs).</summary>
        public string ExecutionId { get; set; } = "";
        /// <summary>The model's call id.</summary>
        public string CallId { get; set; } = "";
        /// <summary>Tool name (built-in, or <c>SERVER__TOOL</c> for MCP).</summary>
        public string Tool { get; set; } = "";
        /// <summary>Arguments (a JSON object).</summary>
        public string ArgumentsJson { get; set; } = "{}";
        /// <summary>The execution's folder; every path is confined to it.</summary>
        public string WorkingDirectory { get; set; } = "";
        /// <summary>Environment for processes; values may be <c>${env:NAME}</c> references resolved on the worker.</summary>
        public Dictionary<string, string> Env { get; set; } = new Dictionary<string, string>();
        /// <summary>The agent's tool policy.</summary>
        public ToolPolicy Policy { get; set; } = new ToolPolicy();
        /// <summary>MCP servers of the agent (for MCP tools).</summary>
        public List<McpServerDefinition> McpServers { get; set; } = new List<McpServerDefinition>();
        /// <summary>Seconds before a process tool is killed.</summary>
        public double TimeoutSeconds { get; set; } = 600;
    }

    /// <summary>What a tool call returned to the model.</summary>
    public sealed class ToolResult
    {
        /// <summary>Text for the model (already truncated to a bounded size, with a note when cut).</summary>
        public string Output { get; set; } = "";
        /// <summary>The call failed; <see cref="Output"/> says why.</summary>
        public bool IsError { get; set; }
        /// <summary>Output was cut.</summary>
        public bool Truncated { get; set; }
        /// <summary>Exit code, for process tools.</summary>
        public int? ExitCode { get; set; }
    }

    /// <summary>An agent's tool policy, from its YAML.</summary>
    public sealed class ToolPolicy
    {
        /// <summary>Command patterns (globs, <c>*</c>) shell/powershell may run; empty = any not denied.</summary>
        public List<string> Allow { get; set; } = new List<string>();
        /// <summary>Command patterns refused (checked first).</summary>
        public List<string> Deny { get; set; } = new List<string>();
        /// <summary>Tools that need a person's approval before each call (checked by the workflow).</summary>
        public List<string> Approve { get; set; } = new List<string>();
        /// <summary>Hosts http_get may fetch; empty = http_get refused.</summary>
        public List<string> HttpAllowHosts { get; set; } = new List<string>();
        /// <summary>git may run write subcommands (commit, checkout...).</summary>
        public bool GitWrite { get; set; }
        /// <summary>Side-effecting tools declared safe to retry.</summary>
        public List<string> Idempotent { get; set; } = new List<string>();
    }

    /// <summary>An MCP server over stdio, as an agent declares it.</summary>
    public sealed class McpServerDefinition
    {
        /// <summary>Name; its tools are offered as <c>NAME__TOOL</c>.</summary>
        public string Name { get; set; } = "";
        /// <summary>Program to start.</summary>
        public string Command { get; set; } = "";
        /// <summary>Arguments.</summary>
        public List<string> Args { get; set; } = new List<string>();
        /// <summary>Environment (values may be <c>${env:NAME}</c> references).</summary>
        public Dictionary<string, string> Env { get; set; } = new Dictionary<string, string>();
        /// <summary>Tools are read-only (retried on failure).</summary>
        public bool ReadOnly { get; set; }
    }
}
