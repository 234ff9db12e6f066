using System.Collections.Generic;
using Kubiya.Core.Values;

namespace Kubiya.Core.Executions
{
    /// <summary>
    /// Product status of an execution. The values are names (strings), not an enum, so that an
    /// execution serialises as users read it (<c>"Status": "Failed"</c> in <c>ConvertTo-Json</c>).
    /// </summary>
    public static class ExecutionStatus
    {
        /// <summary>Queued; no worker has picked it up yet.</summary>
        public const string Pending = "Pending";
        /// <summary>A worker runs it.</summary>
        public const string Running = "Running";
        /// <summary>It waits for an answer (an approval or a question).</summary>
        public const string WaitingForInput = "WaitingForInput";
        /// <summary>Finished successfully.</summary>
        public const string Completed = "Completed";
        /// <summary>A step failed, it timed out, or it was rejected.</summary>
        public const string Failed = "Failed";
        /// <summary>Cancelled or terminated.</summary>
        public const string Cancelled = "Cancelled";

        /// <summary>Every status, in lifecycle order.</summary>
        public static readonly IReadOnlyList<string> All = new[] { Pending, Running, WaitingForInput, Completed, Failed, Cancelled };

        /// <summary>The canonical name of <paramref name="text"/> (case-insensitive), or null when it is no status.</summary>
        public static string? Parse(string? text) => KnownNames.Match(All, text);

        /// <summary>True for Completed, Failed and Cancelled.</summary>
        public static bool IsFinal(string? status) => status == Completed || status == Failed || status == Cancelled;
    }

    /// <summary>Scheduling priority of an execution (names, for the same reason as <see cref="ExecutionStatus"/>).</summary>
    public static class ExecutionPriority
    {
        /// <summary>Low.</summary>
        public const string Low = "Low";
        /// <summary>Default.</summary>
        public const string Medium = "Medium";
        /// <summary>High.</summary>
        public const string High = "High";
        /// <summary>Highest.</summary>
        public const string Critical = "Critical";

        /// <summary>Every priority, lowest first.</summary>
        public static readonly IReadOnlyList<string> All = new[] { Low, Medium, High, Critical };

        /// <summary>The canonical name of <paramref name="text"/> (case-insensitive), or null when it is no priority.</summary>
        public static string? Parse(string? text) => KnownNames.Match(All, text);
    }
}
