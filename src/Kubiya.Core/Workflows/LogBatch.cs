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
        /// <summary>Delivery attempt of the step's activity when it is a retry (another worker took it over); null for the first.</summary>
        [JsonPropertyName("r")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? Retry { get; set; }
        /// <summary>Worker that produced them.</summary>
        [JsonPropertyName("w")] public string? Worker { get; set; }
        /// <summary>The lines.</summary>
        [JsonPropertyName("l")] public List<LogLine> Lines { get; set; } = new List<LogLine>();
    }

    /// <summary>One output line.</summary>
    public sealed class LogLine
    {
        /// <summary>The <see cref="Kind"/> of the line that marks where a retried attempt started.</summary>
        public const string StartedKind = "Started";

        /// <summary>Unix time in milliseconds.</summary>
        [JsonPropertyName("t")] public long Time { get; set; }
        /// <summary>Written to stderr.</summary>
        [JsonPropertyName("e")] public bool Error { get; set; }
        /// <summary>Text without the line break.</summary>
        [JsonPropertyName("x")] public string Text { get; set; } = "";
        /// <summary>Null for process output; <c>Message</c> for model text streamed as it is written; <c>Started</c> marks a retried attempt's start (text: its command).</summary>
        [JsonPropertyName("k")] public string? Kind { get; set; }
    }
}
