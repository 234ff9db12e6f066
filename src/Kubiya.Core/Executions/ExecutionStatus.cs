namespace Kubiya.Core.Executions
{
    /// <summary>Product status of an execution.</summary>
    public enum ExecutionStatus
    {
        /// <summary>Queued; no worker has picked it up yet.</summary>
        Pending,
        /// <summary>A worker runs it.</summary>
        Running,
        /// <summary>It waits for an answer (<c>Send-KubiyaExecutionInput</c>).</summary>
        WaitingForInput,
        /// <summary>Finished successfully.</summary>
        Completed,
        /// <summary>A step failed, it timed out, or it was rejected.</summary>
        Failed,
        /// <summary>Cancelled or terminated.</summary>
        Cancelled,
    }

    /// <summary>Scheduling priority of an execution.</summary>
    public enum ExecutionPriority
    {
        /// <summary>Low.</summary>
        Low,
        /// <summary>Default.</summary>
        Medium,
        /// <summary>High.</summary>
        High,
        /// <summary>Highest.</summary>
        Critical,
    }
}
