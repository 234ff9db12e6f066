using System.Collections.Generic;
using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Agents.Llm.Loop
{
    /// <summary>Input of the model-turn activity (history-safe: model name, no key).</summary>
    public sealed class ModelTurnInput
    {
        /// <summary>Execution the streamed text is logged to.</summary>
        public string ExecutionId { get; set; } = "";
        /// <summary>1-based turn of the conversation.</summary>
        public int Turn { get; set; }
        /// <summary>The call.</summary>
        public ModelTurnRequest Request { get; set; } = new ModelTurnRequest();
    }

    /// <summary>Input of the tool activity.</summary>
    public sealed class ToolCallInput
    {
        /// <summary>Turn whose model message asked for the call.</summary>
        public int Turn { get; set; }
        /// <summary>The call.</summary>
        public ToolRequest Request { get; set; } = new ToolRequest();
    }

    /// <summary>Result of the model-turn activity.</summary>
    public sealed class ModelTurnOutput
    {
        /// <summary>What the model said.</summary>
        public ModelTurnResult Result { get; set; } = new ModelTurnResult();
        /// <summary>Worker that made the call.</summary>
        public string Worker { get; set; } = "";
    }

    /// <summary>Result of the tool activity.</summary>
    public sealed class ToolCallOutput
    {
        /// <summary>What the tool returned.</summary>
        public ToolResult Result { get; set; } = new ToolResult();
        /// <summary>Worker that ran it.</summary>
        public string Worker { get; set; } = "";
        /// <summary>Run time in milliseconds.</summary>
        public long DurationMs { get; set; }
    }

    /// <summary>Input of the MCP tool listing activity.</summary>
    public sealed class McpToolsInput
    {
        /// <summary>Execution (for logs).</summary>
        public string ExecutionId { get; set; } = "";
        /// <summary>Servers to ask.</summary>
        public List<McpServerDefinition> Servers { get; set; } = new List<McpServerDefinition>();
        /// <summary>Folder the servers start in.</summary>
        public string WorkingDirectory { get; set; } = "";
    }
}
