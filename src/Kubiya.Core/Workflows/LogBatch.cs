using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Kubiya.Core.Workflows
{
    /// <summary>
    /// Output lines a worker sends to its execution in one signal. Short property names keep
    /// history small; the batch is the durable, remote-readable copy of the output.
    /// </summary>
    public sealed class LogBatch
    {
        /// <summary>Step the lines belong to.</summary>
        [JsonPropertyName("s")] public string Step { get; set; } = "";
        /// <summary>Run of the step.</summary>
        [JsonPropertyName("a")] public int Attempt { get; set; } = 1;
        /// <summary>Worker that produced them.</summary>
        [JsonPropertyName("w")] public string? Worker { get; set; }
        /// <summary>The lines.</summary>
        [JsonPropertyName("l")] public List<LogLine> Lines { get; set; } = new List<LogLine>();
    }

    /// <summary>One output line.</summary>
    public sealed class LogLine
    {
        /// <summary>Unix time in milliseconds.</summary>
        [JsonPropertyName("t")] public long Time { get; set; }
        /// <summary>Written to stderr.</summary>
        [JsonPropertyName("e")] public bool Error { get; set; }
        /// <summary>Text without the line break.</summary>
        [JsonPropertyName("x")] public string Text { get; set; } = "";
        /// <summary>Null for process output; <c>Message</c> for model text streamed as it is written.</summary>
        [JsonPropertyName("k")] public string? Kind { get; set; }
    }
}
