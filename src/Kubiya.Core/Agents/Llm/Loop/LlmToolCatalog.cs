using System.Collections.Generic;
using System.Linq;
using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Agents.Llm.Loop
{
    /// <summary>
    /// The tool names an llm agent may list, and which of them the workflow itself answers
    /// (<c>ask_user</c>, <c>checkpoint</c>) instead of a tool activity. The catalogue itself is
    /// <see cref="BuiltInTools"/>; this is the loop's view of it.
    /// </summary>
    public static class LlmToolCatalog
    {
        /// <summary>Asks a person; the execution waits for input.</summary>
        public const string AskUser = BuiltInTools.AskUser;

        /// <summary>Records a durable progress event.</summary>
        public const string Checkpoint = BuiltInTools.Checkpoint;

        /// <summary>Every built-in tool name, in catalogue order.</summary>
        public static IReadOnlyList<string> Names => BuiltInTools.Names;

        /// <summary>True for a built-in tool name.</summary>
        public static bool IsKnown(string name) => BuiltInTools.IsKnown(name);

        /// <summary>The specs (descriptions and argument schemas) offered to the model for <paramref name="names"/>.</summary>
        public static List<ToolSpec> Specs(IEnumerable<string> names) => BuiltInTools.Specs(names.Where(BuiltInTools.IsKnown));

        /// <summary>Tools without side effects, retried when their worker dies (git only while writes are off).</summary>
        public static bool IsReadOnly(string name, ToolPolicy policy) => BuiltInTools.IsReadOnly(name, policy);

        /// <summary>True when a failed call may run again (read-only, declared idempotent, or a read-only MCP server's).</summary>
        public static bool IsRetrySafe(LlmToolCall call, LlmExecutionSpec spec) =>
            BuiltInTools.IsRetrySafe(call.Name, call.ArgumentsJson, spec.Policy, spec.McpServers);

        /// <summary>True for the tools the workflow answers itself.</summary>
        public static bool IsWorkflowTool(string name) => BuiltInTools.IsWorkflowTool(name);
    }
}
