using System;
using System.Globalization;

namespace Kubiya.Core.Logs
{
    /// <summary>What a log entry records.</summary>
    public enum LogEntryKind
    {
        /// <summary>The execution was submitted.</summary>
        Started,
        /// <summary>A step was handed to a worker.</summary>
        StepStarted,
        /// <summary>A line the step wrote to stdout.</summary>
        Output,
        /// <summary>A line the step wrote to stderr.</summary>
        Error,
        /// <summary>A step ended successfully.</summary>
        StepCompleted,
        /// <summary>A step failed (non-zero exit, timeout, lost worker...).</summary>
        StepFailed,
        /// <summary>The execution asks a question or waits for approval.</summary>
        Question,
        /// <summary>The question was answered.</summary>
        Answer,
        /// <summary>A milestone inside a step.</summary>
        Checkpoint,
        /// <summary>Something went wrong but the execution goes on.</summary>
        Warning,
        /// <summary>The execution completed.</summary>
        Completed,
        /// <summary>The execution failed.</summary>
        Failed,
        /// <summary>The execution was cancelled.</summary>
        Cancelled,
        /// <summary>Text written by the model (streamed as it is written).</summary>
        Message,
        /// <summary>The model called a tool.</summary>
        ToolCall,
        /// <summary>What a tool call returned to the model.</summary>
        ToolResult,
        /// <summary>Tokens and cost of one model call.</summary>
        Usage,
    }

    /// <summary>One entry of an execution's log, read back from its durable history.</summary>
    public sealed class LogEntry
    {
        /// <summary>When it happened.</summary>
        public DateTimeOffset Time { get; set; }
        /// <summary>Execution id.</summary>
        public string ExecutionId { get; set; } = "";
        /// <summary>Kind of entry.</summary>
        public LogEntryKind Kind { get; set; }
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
