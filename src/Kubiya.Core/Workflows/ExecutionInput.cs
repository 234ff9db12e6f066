using System.Collections.Generic;
using Kubiya.Core.Agents;
using Kubiya.Core.Agents.Llm;
using Kubiya.Core.Agents.Llm.Loop;

namespace Kubiya.Core.Workflows
{
    /// <summary>
    /// Everything an execution needs, resolved on the machine that starts it, so any worker can
    /// run it without access to the starter's agent files.
    /// </summary>
    public sealed class ExecutionInput
    {
        /// <summary>The task text.</summary>
        public string Prompt { get; set; } = "";
        /// <summary>Agent name, when one was chosen.</summary>
        public string? Agent { get; set; }
        /// <summary>Team name, when one was chosen.</summary>
        public string? Team { get; set; }
        /// <summary>Environment name.</summary>
        public string? Environment { get; set; }
        /// <summary>Execution this one continues.</summary>
        public string? ParentExecutionId { get; set; }
        /// <summary>Output of the parent, handed to steps as context.</summary>
        public string? ParentOutput { get; set; }
        /// <summary>Folder the steps run in; empty means the worker's current folder.</summary>
        public string? WorkingDirectory { get; set; }
        /// <summary>Approvals are answered yes without waiting.</summary>
        public bool AutoApprove { get; set; }
        /// <summary>Steps to run, in order.</summary>
        public List<StepDefinition> Steps { get; set; } = new List<StepDefinition>();
        /// <summary>A step whose worker stops heartbeating for this long is retried elsewhere.</summary>
        public double HeartbeatTimeoutSeconds { get; set; } = 20;
        /// <summary>Timeout of steps that set none.</summary>
        public double DefaultStepTimeoutSeconds { get; set; } = 3600;
        /// <summary>Set for an llm agent: the agent loop runs instead of <see cref="Steps"/>.</summary>
        public LlmExecutionSpec? Llm { get; set; }
        /// <summary>The parent execution's conversation (after its system prompt), continued by this one.</summary>
        public List<LlmMessage>? ParentConversation { get; set; }
        /// <summary>State carried from the previous run when the loop continued as new.</summary>
        public LlmConversationState? Conversation { get; set; }
        /// <summary>Set for a coordinator team (with <see cref="Llm"/> as the coordinator's loop): the members it delegates to.</summary>
        public Agents.Teams.CoordinatorSpec? Coordinator { get; set; }
        /// <summary>
        /// The agent or team is named, not resolved: the worker looks it up when the run starts
        /// (schedules name agents, so a changed agent is what the next run uses).
        /// </summary>
        public bool ResolveAtRun { get; set; }
        /// <summary>Name of the schedule that started this execution.</summary>
        public string? Schedule { get; set; }
        /// <summary>
        /// Set by the worker that resolved a scheduled agent run: the server has the <c>KubiyaAgent</c>
        /// search attribute, so the run sets it (schedules made before they carried it start runs without).
        /// </summary>
        public bool AgentSearchAttribute { get; set; }
    }

    /// <summary>One run of a command on a worker.</summary>
    public sealed class StepRequest
    {
        /// <summary>The execution (workflow id) to stream logs to.</summary>
        public string ExecutionId { get; set; } = "";
        /// <summary>Step name.</summary>
        public string Step { get; set; } = "";
        /// <summary><see cref="StepKind.Shell"/> or <see cref="StepKind.PowerShell"/>.</summary>
        public string Kind { get; set; } = StepKind.Shell;
        /// <summary>The command or script.</summary>
        public string Command { get; set; } = "";
        /// <summary>Folder to run in (empty: the worker's current folder).</summary>
        public string? WorkingDirectory { get; set; }
        /// <summary>Environment variables added to the worker's own.</summary>
        public Dictionary<string, string> Env { get; set; } = new Dictionary<string, string>();
        /// <summary>Seconds before the command is killed.</summary>
        public double TimeoutSeconds { get; set; }
        /// <summary>1-based run of this step (command-level retries).</summary>
        public int Attempt { get; set; } = 1;
    }

    /// <summary>How a command ended.</summary>
    public sealed class StepResult
    {
        /// <summary>Process exit code (-1 when killed).</summary>
        public int ExitCode { get; set; }
        /// <summary>The command ran past its timeout and was killed.</summary>
        public bool TimedOut { get; set; }
        /// <summary>Run time in milliseconds.</summary>
        public long DurationMs { get; set; }
        /// <summary>Identity of the worker that ran it.</summary>
        public string Worker { get; set; } = "";
        /// <summary>Output lines produced.</summary>
        public int Lines { get; set; }
        /// <summary>The last lines written to stderr, for the error message.</summary>
        public string? ErrorTail { get; set; }
    }

    /// <summary>Request to match changed files against rules.</summary>
    public sealed class ChangesRequest
    {
        /// <summary>Execution (for logs).</summary>
        public string ExecutionId { get; set; } = "";
        /// <summary>Step name.</summary>
        public string Step { get; set; } = "";
        /// <summary>Repository folder.</summary>
        public string? WorkingDirectory { get; set; }
        /// <summary>The rules.</summary>
        public ChangesDefinition Changes { get; set; } = new ChangesDefinition();
        /// <summary>Environment used to expand <c>${NAME}</c> in the base.</summary>
        public Dictionary<string, string> Env { get; set; } = new Dictionary<string, string>();
    }

    /// <summary>The commands selected by a changes step.</summary>
    public sealed class ChangesResult
    {
        /// <summary>The resolved git base.</summary>
        public string Base { get; set; } = "";
        /// <summary>Paths reported by git.</summary>
        public List<string> ChangedPaths { get; set; } = new List<string>();
        /// <summary>Commands to run, in rule order, without duplicates.</summary>
        public List<ChangeRule> Commands { get; set; } = new List<ChangeRule>();
    }

    /// <summary>What an execution produced; the workflow result (also attached to its failure).</summary>
    public sealed class ExecutionOutcome
    {
        /// <summary>Combined step output (the tail when very long).</summary>
        public string Output { get; set; } = "";
        /// <summary>Why it failed, when it did.</summary>
        public string? Error { get; set; }
        /// <summary>Per-step summary.</summary>
        public List<StepOutcome> Steps { get; set; } = new List<StepOutcome>();
        /// <summary>llm agents: the conversation after the system prompt, for executions that continue it.</summary>
        public List<LlmMessage>? Conversation { get; set; }
        /// <summary>llm agents and coordinator teams: model calls, tool calls, tokens and cost (a team's include its members').</summary>
        public ExecutionUsage? Usage { get; set; }
    }

    /// <summary>What an execution spent, as its parent team adds it up.</summary>
    public sealed class ExecutionUsage
    {
        /// <summary>Model calls.</summary>
        public int Turns { get; set; }
        /// <summary>Tool calls.</summary>
        public int ToolCalls { get; set; }
        /// <summary>Prompt tokens.</summary>
        public long InputTokens { get; set; }
        /// <summary>Completion tokens.</summary>
        public long OutputTokens { get; set; }
        /// <summary>Cost in USD; null when no model call had a price.</summary>
        public double? CostUsd { get; set; }
    }

    /// <summary>Summary of one step.</summary>
    public sealed class StepOutcome
    {
        /// <summary>Step name.</summary>
        public string Name { get; set; } = "";
        /// <summary>Succeeded, Failed, Skipped, Approved, Rejected.</summary>
        public string Status { get; set; } = "";
        /// <summary>Exit code of the last run, when it ran a command.</summary>
        public int? ExitCode { get; set; }
        /// <summary>Runs of the command.</summary>
        public int Attempts { get; set; }
    }

    /// <summary>An answer to a question or approval.</summary>
    public sealed class InputSignal
    {
        /// <summary>The answer text.</summary>
        public string Answer { get; set; } = "";
        /// <summary>Who answered (user@host).</summary>
        public string? From { get; set; }
    }
}
