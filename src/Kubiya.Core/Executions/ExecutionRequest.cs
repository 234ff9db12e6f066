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
        public ExecutionPriority Priority { get; init; } = ExecutionPriority.Medium;
        /// <summary>Execution whose context it continues.</summary>
        public string? ParentExecutionId { get; init; }
        /// <summary>Answer approvals with yes.</summary>
        public bool AutoApprove { get; init; }
        /// <summary>Return once submitted.</summary>
        public bool NoWait { get; init; }
        /// <summary>Environment name.</summary>
        public string? Environment { get; init; }
    }
}
