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
        /// <summary>
        /// Resolves the agent of a scheduled run on the worker (an activity, so the result is in
        /// history and replays). An agent the worker does not have fails the run with its reason.
        /// </summary>
        private static async Task<ExecutionInput> ResolveScheduledAsync(ExecutionInput input)
        {
            try
            {
                return await Workflow.ExecuteActivityAsync(
                    (ScheduledAgentResolver r) => r.Resolve(input),
                    new ActivityOptions
                    {
                        StartToCloseTimeout = TimeSpan.FromMinutes(1),
                        RetryPolicy = new RetryPolicy { MaximumAttempts = 3 },
                    });
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
