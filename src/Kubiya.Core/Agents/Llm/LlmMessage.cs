using System.Collections.Generic;

namespace Kubiya.Core.Agents.Llm
{
    /// <summary>
    /// One message of an agent conversation, in the form kept in workflow state and history.
    /// Holds no secrets: only roles, text, tool calls and their results.
    /// </summary>
    public sealed class LlmMessage
    {
        /// <summary>One of <see cref="LlmRoles"/>.</summary>
        public string Role { get; set; } = LlmRoles.User;
        /// <summary>The text (null for an assistant message that only calls tools).</summary>
        public string? Text { get; set; }
        /// <summary>Tool calls requested by an assistant message.</summary>
        public List<LlmToolCall> ToolCalls { get; set; } = new List<LlmToolCall>();
        /// <summary>For a tool message: the call it answers.</summary>
        public string? ToolCallId { get; set; }
        /// <summary>For a tool message: the tool's name.</summary>
        public string? ToolName { get; set; }
    }

    /// <summary>Conversation roles.</summary>
    public static class LlmRoles
    {
        /// <summary>Instructions.</summary>
        public const string System = "system";
        /// <summary>The person (prompt, answers).</summary>
        public const string User = "user";
        /// <summary>The model.</summary>
        public const string Assistant = "assistant";
        /// <summary>A tool's result.</summary>
        public const string Tool = "tool";
    }

    /// <summary>A tool call requested by the model.</summary>
    public sealed class LlmToolCall
    {
        /// <summary>The model's call id (echoed in the tool message).</summary>
        public string Id { get; set; } = "";
        /// <summary>Tool name.</summary>
        public string Name { get; set; } = "";
        /// <summary>Arguments as the model wrote them (a JSON object).</summary>
        public string ArgumentsJson { get; set; } = "{}";
    }

    /// <summary>Token usage of one model call (or a sum of calls) and its price.</summary>
    public sealed class LlmUsage
    {
        /// <summary>Prompt tokens.</summary>
        public long InputTokens { get; set; }
        /// <summary>Completion tokens.</summary>
        public long OutputTokens { get; set; }
        /// <summary>Price in USD; null when the model has no known price.</summary>
        public double? CostUsd { get; set; }
    }

    /// <summary>A tool as offered to the model.</summary>
    public sealed class ToolSpec
    {
        /// <summary>Name the model calls it by.</summary>
        public string Name { get; set; } = "";
        /// <summary>What it does, for the model.</summary>
        public string Description { get; set; } = "";
        /// <summary>JSON schema of its arguments (an object schema).</summary>
        public string ParametersJsonSchema { get; set; } = "{\"type\":\"object\",\"properties\":{}}";
    }
}
