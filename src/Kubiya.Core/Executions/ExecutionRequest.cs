namespace Kubiya.Core.Executions
{
    /// <summary>What to run: the parameters of <c>Invoke-KubiyaExec</c> / <c>kubiya exec</c>.</summary>
    public sealed record ExecutionRequest
    {
        /// <summary>The task text (the command itself for the shell and powershell agents).</summary>
        public string Prompt { get; init; } = "";
        /// <summary>Agent to use.</summary>
        public string? Agent { get; init; }
        /// <summary>Team to use.</summary>
        public string? Team { get; init; }
        /// <summary>Run on an ephemeral worker in this process.</summary>
        public bool Local { get; init; }
        /// <summary>Folder the steps run in, and where project agents are looked up.</summary>
        public string? WorkingDirectory { get; init; }
        /// <summary>Queue to send it to (ignored with <see cref="Local"/>).</summary>
        public string? Queue { get; init; }
        /// <summary>Priority.</summary>
        public string Priority { get; init; } = ExecutionPriority.Medium;
        /// <summary>Execution whose context it continues.</summary>
        public string? ParentExecutionId { get; init; }
        /// <summary>Answer approvals with yes.</summary>
        public bool AutoApprove { get; init; }
        /// <summary>
        /// How long to wait for an answer from elsewhere when a question cannot be answered here
        /// (non-interactive); null: do not wait (a local run fails with ApprovalRequired, a queued
        /// one is returned WaitingForInput).
        /// </summary>
        public System.TimeSpan? ApprovalTimeout { get; init; }
        /// <summary>Return once submitted.</summary>
        public bool NoWait { get; init; }
        /// <summary>Environment name.</summary>
        public string? Environment { get; init; }
        /// <summary>llm agents: model name overriding the agent's (and KUBIYA_MODEL).</summary>
        public string? Model { get; init; }
        /// <summary>llm agents: run tools listed under the agent's <c>approve:</c> without asking.</summary>
        public bool ApproveTools { get; init; }
        /// <summary>Nobody can answer questions (a local run then fails fast with ApprovalRequired).</summary>
        public bool NonInteractive { get; init; }
        /// <summary>Local runs: models.yaml (LiteLLM <c>model_list</c>) file for the ephemeral worker.</summary>
        public string? ModelConfigPath { get; init; }
        /// <summary>Local runs: the same model configuration as JSON text.</summary>
        public string? ModelConfigJson { get; init; }
        /// <summary>The plan this execution runs (recorded in the memo).</summary>
        public string? PlanId { get; init; }
    }
}
