using System;
using Kubiya.Core.Values;

namespace Kubiya.Core.Executions
{
    /// <summary>An execution as users see it: the pipeline object of every front.</summary>
    public sealed class ExecutionInfo
    {
        /// <summary>Execution id (the workflow id).</summary>
        public string Id { get; set; } = "";
        /// <summary>Product status: a name from <see cref="ExecutionStatus"/> (Pending, Running, WaitingForInput, Completed, Failed, Cancelled).</summary>
        public string Status { get; set; } = ExecutionStatus.Pending;
        /// <summary>Agent name.</summary>
        public string? Agent { get; set; }
        /// <summary>Team name.</summary>
        public string? Team { get; set; }
        /// <summary>Queue it was sent to.</summary>
        public string? Queue { get; set; }
        /// <summary>Worker that ran its latest step.</summary>
        public string? Worker { get; set; }
        /// <summary>Priority: a name from <see cref="ExecutionPriority"/> (Low, Medium, High, Critical).</summary>
        public string Priority { get; set; } = ExecutionPriority.Medium;
        /// <summary>The prompt.</summary>
        public string Prompt { get; set; } = "";
        /// <summary>Environment name.</summary>
        public string? Environment { get; set; }
        /// <summary>Working directory of its steps.</summary>
        public string? WorkingDirectory { get; set; }
        /// <summary>When it was submitted.</summary>
        public DateTimeOffset CreatedAt { get; set; }
        /// <summary>When a worker first picked it up.</summary>
        public DateTimeOffset? StartedAt { get; set; }
        /// <summary>When it ended.</summary>
        public DateTimeOffset? CompletedAt { get; set; }
        /// <summary>
        /// Run time so far, or in total once it ended, in seconds (millisecond precision). A number, so that
        /// sorting, filtering and <c>Measure-Object -Sum</c> work and JSON / CSV carry one plain value.
        /// </summary>
        public double? Duration { get; set; }
        /// <summary>The same run time for people, <c>[d.]hh:mm:ss.f</c> (e.g. <c>00:01:23.4</c>; <c>[timespan]</c> parses it).</summary>
        public string? DurationText => Duration is { } seconds ? DurationFormat.Text(seconds) : null;
        /// <summary>Output of its steps (the tail when long).</summary>
        public string? Output { get; set; }
        /// <summary>Why it failed.</summary>
        public string? Error { get; set; }
        /// <summary>The execution it continues.</summary>
        public string? ParentExecutionId { get; set; }
        /// <summary>Name of the schedule that started it.</summary>
        public string? Schedule { get; set; }
        /// <summary>The question it waits on, when WaitingForInput.</summary>
        public string? Question { get; set; }
        /// <summary>
        /// A team WaitingForInput because a member asks: that member's execution id (an answer sent
        /// to the team goes to it).
        /// </summary>
        public string? WaitingOn { get; set; }
        /// <summary>"done/total" steps.</summary>
        public string? Progress { get; set; }
        /// <summary>The plan it ran, when it was planned.</summary>
        public string? PlanId { get; set; }
        /// <summary>Run id of the underlying workflow.</summary>
        public string? RunId { get; set; }
        /// <summary>Specific id of the failure (e.g. BudgetExceeded, MaxTurnsExceeded), when known.</summary>
        public string? ErrorId { get; set; }
        /// <summary>llm agents: gateway model name.</summary>
        public string? Model { get; set; }
        /// <summary>llm agents: model calls made.</summary>
        public int? Turns { get; set; }
        /// <summary>llm agents: tool calls made.</summary>
        public int? ToolCalls { get; set; }
        /// <summary>llm agents: prompt tokens used.</summary>
        public long? InputTokens { get; set; }
        /// <summary>llm agents: completion tokens used.</summary>
        public long? OutputTokens { get; set; }
        /// <summary>llm agents: cost in USD (null when the model has no price).</summary>
        public double? CostUsd { get; set; }

        /// <summary>True once it reached Completed, Failed or Cancelled.</summary>
        public bool IsFinished => ExecutionStatus.IsFinal(Status);

        /// <inheritdoc />
        public override string ToString() => $"{Id} {Status}";
    }
}
