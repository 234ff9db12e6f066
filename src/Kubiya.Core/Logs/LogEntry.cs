using System;
using System.Collections.Generic;
using System.Globalization;

namespace Kubiya.Core.Logs
{
    /// <summary>
    /// What a log entry records. Names (strings), not an enum, so a log entry serialises as users read it
    /// (<c>"Kind": "Output"</c>).
    /// </summary>
    public static class LogEntryKind
    {
        /// <summary>The execution was submitted.</summary>
        public const string Started = "Started";
        /// <summary>A step was handed to a worker.</summary>
        public const string StepStarted = "StepStarted";
        /// <summary>A line the step wrote to stdout.</summary>
        public const string Output = "Output";
        /// <summary>A line the step wrote to stderr.</summary>
        public const string Error = "Error";
        /// <summary>A step ended successfully.</summary>
        public const string StepCompleted = "StepCompleted";
        /// <summary>A step failed (non-zero exit, timeout, lost worker...).</summary>
        public const string StepFailed = "StepFailed";
        /// <summary>The execution asks a question or waits for approval.</summary>
        public const string Question = "Question";
        /// <summary>The question was answered.</summary>
        public const string Answer = "Answer";
        /// <summary>A milestone inside a step.</summary>
        public const string Checkpoint = "Checkpoint";
        /// <summary>Something went wrong but the execution goes on.</summary>
        public const string Warning = "Warning";
        /// <summary>The execution completed.</summary>
        public const string Completed = "Completed";
        /// <summary>The execution failed.</summary>
        public const string Failed = "Failed";
        /// <summary>The execution was cancelled.</summary>
        public const string Cancelled = "Cancelled";
        /// <summary>Text written by the model (streamed as it is written).</summary>
        public const string Message = "Message";
        /// <summary>The model called a tool.</summary>
        public const string ToolCall = "ToolCall";
        /// <summary>What a tool call returned to the model.</summary>
        public const string ToolResult = "ToolResult";
        /// <summary>Tokens and cost of one model call.</summary>
        public const string Usage = "Usage";

        /// <summary>Every kind.</summary>
        public static readonly IReadOnlyList<string> All = new[]
        {
            Started, StepStarted, Output, Error, StepCompleted, StepFailed, Question, Answer, Checkpoint, Warning, Completed, Failed, Cancelled, Message, ToolCall, ToolResult, Usage,
        };
    }

    /// <summary>One entry of an execution's log, read back from its durable history.</summary>
    public sealed class LogEntry
    {
        /// <summary>When it happened.</summary>
        public DateTimeOffset Time { get; set; }
        /// <summary>Execution id.</summary>
        public string ExecutionId { get; set; } = "";
        /// <summary>Kind of entry: a name from <see cref="LogEntryKind"/>.</summary>
        public string Kind { get; set; } = LogEntryKind.Output;
        /// <summary>Step concerned, if any.</summary>
        public string? Step { get; set; }
        /// <summary>Run of the step.</summary>
        public int? Attempt { get; set; }
        /// <summary>Worker that produced it, if known.</summary>
        public string? Worker { get; set; }
        /// <summary>The text.</summary>
        public string Text { get; set; } = "";

        /// <summary>True for the entries that end an execution.</summary>
        public bool IsFinal => Kind == LogEntryKind.Completed || Kind == LogEntryKind.Failed || Kind == LogEntryKind.Cancelled;

        /// <summary>Output lines print as themselves; events get a short prefix.</summary>
        public override string ToString()
        {
            if (Kind == LogEntryKind.Output || Kind == LogEntryKind.Error || Kind == LogEntryKind.Message) return Text;
            return $"[{Time.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {Text}";
        }
    }
}
