namespace Kubiya.Core.Workflows
{
    /// <summary>
    /// Memo fields of an execution. The memo is what lists and describes return without a worker,
    /// so everything a user filters or displays lives here.
    /// </summary>
    public static class MemoKeys
    {
        /// <summary>Product state while running: Pending, Running, WaitingForInput.</summary>
        public const string State = "state";
        /// <summary>The pending question.</summary>
        public const string Question = "question";
        /// <summary>Agent name.</summary>
        public const string Agent = "agent";
        /// <summary>Team name.</summary>
        public const string Team = "team";
        /// <summary>The prompt.</summary>
        public const string Prompt = "prompt";
        /// <summary>Queue the execution was sent to.</summary>
        public const string Queue = "queue";
        /// <summary>low, medium, high, critical.</summary>
        public const string Priority = "priority";
        /// <summary>Execution this one continues.</summary>
        public const string Parent = "parent";
        /// <summary>Environment name.</summary>
        public const string Environment = "environment";
        /// <summary>Working directory.</summary>
        public const string WorkingDirectory = "cwd";
        /// <summary>Identity of the worker that ran the latest step.</summary>
        public const string Worker = "worker";
        /// <summary>When a worker first picked it up (ISO 8601).</summary>
        public const string StartedAt = "startedAt";
        /// <summary>Output tail, set when it ends.</summary>
        public const string Output = "output";
        /// <summary>Failure message, set when it fails.</summary>
        public const string Error = "error";
        /// <summary>"done/total" steps.</summary>
        public const string Progress = "progress";
        /// <summary>The plan the execution runs.</summary>
        public const string PlanId = "planId";
        /// <summary>The latest notable event (question, answer, checkpoint) for log readers.</summary>
        public const string Event = "event";
        /// <summary>llm: gateway model name.</summary>
        public const string Model = "model";
        /// <summary>llm: model calls so far.</summary>
        public const string Turns = "turns";
        /// <summary>llm: tool calls so far.</summary>
        public const string ToolCalls = "toolCalls";
        /// <summary>llm: prompt tokens so far.</summary>
        public const string InputTokens = "inputTokens";
        /// <summary>llm: completion tokens so far.</summary>
        public const string OutputTokens = "outputTokens";
        /// <summary>llm: cost so far in USD (absent when the model has no price).</summary>
        public const string CostUsd = "costUsd";
        /// <summary>Specific error id of a failure (BudgetExceeded, MaxTurnsExceeded, ModelNotFound...).</summary>
        public const string ErrorId = "errorId";
        /// <summary>A team: the member execution whose question it waits on.</summary>
        public const string WaitingOn = "waitingOn";
    }

    /// <summary>Names the workflow registers.</summary>
    public static class WorkflowNames
    {
        /// <summary>Workflow type of an execution.</summary>
        public const string Execution = "KubiyaExecution";
        /// <summary>Signal carrying a <see cref="LogBatch"/>.</summary>
        public const string LogSignal = "log";
        /// <summary>Signal carrying an <see cref="InputSignal"/>.</summary>
        public const string InputSignal = "input";
        /// <summary>Signal carrying a <see cref="MemberWaitingSignal"/> from a team's member to the team.</summary>
        public const string MemberWaitingSignal = "member-waiting";
        /// <summary>Activity that runs one command.</summary>
        public const string RunStepActivity = "kubiya.run-step";
        /// <summary>Activity that matches changed files against rules.</summary>
        public const string DetectChangesActivity = "kubiya.detect-changes";
        /// <summary>Activity that makes one model call of an llm agent.</summary>
        public const string ModelTurnActivity = "kubiya.model-turn";
        /// <summary>Activity that runs one tool call of an llm agent.</summary>
        public const string RunToolActivity = "kubiya.run-tool";
        /// <summary>Activity that lists the tools of an llm agent's MCP servers.</summary>
        public const string ListMcpToolsActivity = "kubiya.list-mcp-tools";
    }

    /// <summary>A notable event recorded in the memo (and so in history).</summary>
    public sealed class ExecutionEvent
    {
        /// <summary>Question, Answer, Checkpoint, Warning, ToolCall, ToolResult, Usage.</summary>
        public string Kind { get; set; } = "";
        /// <summary>Step concerned.</summary>
        public string? Step { get; set; }
        /// <summary>Text.</summary>
        public string Text { get; set; } = "";
    }
}
