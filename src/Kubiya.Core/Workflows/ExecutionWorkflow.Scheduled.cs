using System;
using System.Threading.Tasks;
using Kubiya.Core.Schedules;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Kubiya.Core.Workflows
{
    /// <summary>Runs started by a schedule name their agent; the worker resolves it first.</summary>
    public sealed partial class ExecutionWorkflow
    {
        // Histories recorded before scheduled runs set their agent attribute replay without it.
        private const string ScheduledAgentAttributePatch = "scheduled-agent-attribute";

        /// <summary>
        /// Resolves the agent of a scheduled run on the worker (an activity, so the result is in
        /// history and replays). An agent the worker does not have fails the run with its reason.
        /// </summary>
        private static async Task<ExecutionInput> ResolveScheduledAsync(ExecutionInput input)
        {
            try
            {
                var resolved = await Workflow.ExecuteActivityAsync(
                    (ScheduledAgentResolver r) => r.Resolve(input),
                    new ActivityOptions
                    {
                        StartToCloseTimeout = TimeSpan.FromMinutes(1),
                        RetryPolicy = new RetryPolicy { MaximumAttempts = 3 },
                    });
                // Runs of schedules made before their action carried the agent attribute get it here.
                if (resolved.AgentSearchAttribute && resolved.Agent != null && Workflow.Patched(ScheduledAgentAttributePatch)
                    && !Workflow.TypedSearchAttributes.ContainsKey(Executions.SearchAttributeSupport.Agent))
                    Workflow.UpsertTypedSearchAttributes(Executions.SearchAttributeSupport.Agent.ValueSet(resolved.Agent));
                return resolved;
            }
            catch (ActivityFailureException e) when (e.InnerException is ApplicationFailureException app)
            {
                Workflow.UpsertMemo(
                    MemoUpdate.ValueSet(MemoKeys.State, "Failed"),
                    MemoUpdate.ValueSet(MemoKeys.Error, app.Message));
                throw new ApplicationFailureException(app.Message, app.ErrorType ?? "AgentNotFound", nonRetryable: true);
            }
        }
    }
}
