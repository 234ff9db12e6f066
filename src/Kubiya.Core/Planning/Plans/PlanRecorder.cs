using System;
using Kubiya.Core.Executions;

namespace Kubiya.Core.Planning
{
    /// <summary>Records approval and execution on a plan and saves it (store, and the user's -SavePlan path).</summary>
    public static class PlanRecorder
    {
        /// <summary>Marks <paramref name="plan"/> approved now by the current user, with the agent's current hash.</summary>
        public static void Approve(KubiyaPlan plan, PlanCheck check)
        {
            plan.Approved = true;
            plan.ApprovedAt = DateTimeOffset.Now;
            plan.ApprovedBy = $"{Environment.UserName}@{Environment.MachineName}";
            // Approving a changed agent approves its current definition.
            plan.Recommended.DefinitionHash = check.CurrentHash;
        }

        /// <summary>Notes the execution that ran <paramref name="plan"/>.</summary>
        public static void Executed(KubiyaPlan plan, ExecutionInfo execution)
        {
            plan.ExecutionId = execution.Id;
            plan.ExecutedAt = DateTimeOffset.Now;
        }

        /// <summary>The execution request that runs <paramref name="plan"/>, keeping the caller's other options.</summary>
        public static ExecutionRequest ToRequest(KubiyaPlan plan, ExecutionRequest options) => options with
        {
            Prompt = plan.Prompt,
            Agent = plan.Recommended.IsTeam ? null : plan.Recommended.Name,
            Team = plan.Recommended.IsTeam ? plan.Recommended.Name : null,
            Local = plan.Queue.Local,
            Queue = plan.Queue.Local ? null : plan.Queue.Name,
            Environment = options.Environment ?? plan.Environment,
            PlanId = plan.PlanId,
        };
    }
}
