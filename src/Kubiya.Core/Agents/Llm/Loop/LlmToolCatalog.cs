using System;
using System.Collections.Generic;
using System.Linq;
using Kubiya.Core.Agents.Llm;

namespace Kubiya.Core.Agents.Llm.Loop
{
    /// <summary>
    /// The tool names an llm agent may list, and which of them the workflow itself answers
    /// (<c>ask_user</c>, <c>checkpoint</c>) instead of a tool activity.
    /// </summary>
    public static class LlmToolCatalog
    {
        /// <summary>Asks a person; the execution waits for input.</summary>
        public const string AskUser = "ask_user";

        /// <summary>Records a durable progress event.</summary>
        public const string Checkpoint = "checkpoint";

        private static readonly string[] Known =
        {
            "shell", "powershell", "read_file", "write_file", "edit_file", "list_files", "search_files", "git", "http_get", AskUser, Checkpoint,
        };

        /// <summary>Every built-in tool name, sorted.</summary>
        public static IReadOnlyList<string> Names => Known.OrderBy(n => n, StringComparer.Ordinal).ToList();

        /// <summary>True for a built-in tool name.</summary>
        public static bool IsKnown(string name) => Known.Contains(name, StringComparer.Ordinal);

        /// <summary>The specs offered to the model for <paramref name="names"/>.</summary>
        public static List<ToolSpec> Specs(IEnumerable<string> names) =>
            names.Select(n => new ToolSpec { Name = n, Description = n, ParametersJsonSchema = "{\"type\":\"object\",\"properties\":{}}" }).ToList();

        /// <summary>Tools without side effects, retried when their worker dies (git only while writes are off).</summary>
        public static bool IsReadOnly(string name, Tools.ToolPolicy policy) =>
            name == "read_file" || name == "list_files" || name == "search_files" || name == "http_get" || (name == "git" && !policy.GitWrite);

        /// <summary>True for the tools the workflow answers itself.</summary>
        public static bool IsWorkflowTool(string name) => name == AskUser || name == Checkpoint;
    }
}
