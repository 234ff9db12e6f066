using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// The catalogue of built-in tools: their names, the specs offered to the model, and how a
    /// call may be retried. <c>ask_user</c> and <c>checkpoint</c> are handled by the workflow itself;
    /// every other built-in tool runs in <see cref="ToolRunner"/>.
    /// </summary>
    public static class BuiltInTools
    {
        /// <summary>Runs a shell command (bash on Unix, cmd on Windows).</summary>
        public const string Shell = "shell";
        /// <summary>Runs a PowerShell script.</summary>
        public const string PowerShell = "powershell";
        /// <summary>Reads a text file.</summary>
        public const string ReadFile = "read_file";
        /// <summary>Creates or replaces a file.</summary>
        public const string WriteFile = "write_file";
        /// <summary>Replaces one exact piece of text in a file.</summary>
        public const string EditFile = "edit_file";
        /// <summary>Lists files matching a glob.</summary>
        public const string ListFiles = "list_files";
        /// <summary>Searches file contents with a regular expression.</summary>
        public const string SearchFiles = "search_files";
        /// <summary>Runs git.</summary>
        public const string Git = "git";
        /// <summary>Fetches a URL from an allowed host.</summary>
        public const string HttpGet = "http_get";
        /// <summary>Asks the person a question (handled by the workflow).</summary>
        public const string AskUser = "ask_user";
        /// <summary>Records a durable progress event (handled by the workflow).</summary>
        public const string Checkpoint = "checkpoint";

        /// <summary>Separator between an MCP server's name and its tool's name.</summary>
        public const string McpSeparator = "__";

        /// <summary>Every built-in tool name, in catalogue order.</summary>
        public static IReadOnlyList<string> Names { get; } = new[]
        {
            Shell, PowerShell, ReadFile, WriteFile, EditFile, ListFiles, SearchFiles, Git, HttpGet, AskUser, Checkpoint,
        };

        /// <summary>git subcommands that only read, allowed without <see cref="ToolPolicy.GitWrite"/>.</summary>
        public static IReadOnlyList<string> GitReadOnlySubcommands { get; } = new[] { "status", "diff", "log", "show" };

        private static readonly HashSet<string> Known = new HashSet<string>(Names, StringComparer.Ordinal);
        private static readonly HashSet<string> ReadOnly = new HashSet<string>(new[] { ReadFile, ListFiles, SearchFiles, HttpGet }, StringComparer.Ordinal);

        /// <summary>True for a built-in tool name (names are lower case, matched exactly).</summary>
        public static bool IsKnown(string name) => name != null && Known.Contains(name);

        /// <summary>True for the tools the workflow answers itself, without a tool activity.</summary>
        public static bool IsWorkflowTool(string name) => name == AskUser || name == Checkpoint;

        /// <summary>True for a <c>SERVER__TOOL</c> name (an MCP tool).</summary>
        public static bool IsMcpToolName(string name) =>
            name != null && name.IndexOf(McpSeparator, StringComparison.Ordinal) > 0 && !name.EndsWith(McpSeparator, StringComparison.Ordinal);

        /// <summary>
        /// True when the tool never changes anything, so a failed call may be retried:
        /// read_file, list_files, search_files and http_get. <c>git</c> depends on its subcommand:
        /// use <see cref="IsReadOnly(string, string)"/>.
        /// </summary>
        public static bool IsReadOnly(string name) => name != null && ReadOnly.Contains(name);

        /// <summary>
        /// Like <see cref="IsReadOnly(string)"/>, looking at the call's arguments: a <c>git</c> call
        /// is read-only when its subcommand is one of <see cref="GitReadOnlySubcommands"/>.
        /// </summary>
        public static bool IsReadOnly(string name, string argumentsJson)
        {
            if (IsReadOnly(name)) return true;
            if (name != Git) return false;
            try
            {
                using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson);
                return doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("subcommand", out var sub)
                    && sub.ValueKind == JsonValueKind.String
                    && GitReadOnlySubcommands.Contains(sub.GetString()!.Trim().ToLowerInvariant());
            }
            catch (JsonException)
            {
                return false;
            }
        }

        /// <summary>
        /// Like <see cref="IsReadOnly(string)"/> under an agent's policy: <c>git</c> is read-only
        /// while <see cref="ToolPolicy.GitWrite"/> is off, since only read-only subcommands can run then.
        /// </summary>
        public static bool IsReadOnly(string name, ToolPolicy? policy) =>
            IsReadOnly(name) || (name == Git && policy != null && !policy.GitWrite);

        /// <summary>
        /// True when a failed call may run again: read-only built-in calls (see
        /// <see cref="IsReadOnly(string, string)"/> and <see cref="IsReadOnly(string, ToolPolicy)"/>),
        /// tools the policy declares idempotent, and tools of MCP servers declared read-only.
        /// </summary>
        public static bool IsRetrySafe(string name, string argumentsJson, ToolPolicy? policy, IEnumerable<McpServerDefinition>? mcpServers = null)
        {
            if (IsReadOnly(name, argumentsJson) || IsReadOnly(name, policy)) return true;
            if (policy != null && policy.Idempotent.Contains(name, StringComparer.Ordinal)) return true;
            if (!IsMcpToolName(name) || mcpServers == null) return false;
            var server = name.Substring(0, name.IndexOf(McpSeparator, StringComparison.Ordinal));
            return mcpServers.Any(s => s.ReadOnly && string.Equals(s.Name, server, StringComparison.Ordinal));
        }

        /// <summary>The spec offered to the model for built-in tool <paramref name="name"/>.</summary>
        /// <exception cref="KubiyaException">Unknown name (error id <c>UnknownTool</c>), listing the known ones.</exception>
        public static ToolSpec Spec(string name)
        {
            EnsureKnown(name);
            return BuiltInToolSpecs.Create(name);
        }

        /// <summary>Specs of several built-in tools, in the order given.</summary>
        public static List<ToolSpec> Specs(IEnumerable<string> names) => names.Select(Spec).ToList();

        /// <summary>The message for an unknown tool name, listing the known ones; null when the name is known.</summary>
        public static string? UnknownToolMessage(string? name)
        {
            if (name != null && IsKnown(name)) return null;
            var shown = string.IsNullOrWhiteSpace(name) ? "(empty)" : name;
            var hint = name != null && IsMcpToolName(name) ? " MCP tools come from the agent's MCP servers." : "";
            return $"Unknown tool '{shown}'. Built-in tools are: {string.Join(", ", Names)}.{hint}";
        }

        /// <summary>Throws a <see cref="KubiyaException"/> (error id <c>UnknownTool</c>) unless <paramref name="name"/> is a built-in tool.</summary>
        public static void EnsureKnown(string? name)
        {
            var message = UnknownToolMessage(name);
            if (message != null) throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, "UnknownTool", message, name);
        }
    }
}
