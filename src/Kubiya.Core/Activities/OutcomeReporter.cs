using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Temporalio.Activities;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Kubiya.Core.Activities
{
    /// <summary>
    /// Reports an activity's result or failure through the worker's client instead of leaving it
    /// to the SDK's worker. The SDK's worker core replaces the connection's RPC retry options with
    /// its own default (about 10 s, 10 attempts) for the completions it sends, so a finished step's
    /// result was dropped ("Network error while completing activity") when the server was down
    /// longer than that, and the step ran again after its heartbeat timeout. The client's calls
    /// retry as <see cref="Connection.RpcRetryPolicy"/> says, so a completion survives an outage of
    /// <see cref="Connection.RpcRetryPolicy.MaxOutage"/>. Cancellations stay with the SDK.
    /// </summary>
    public static class OutcomeReporter
    {
        /// <summary>
        /// Runs <paramref name="run"/> and reports its outcome by task token; then tells the SDK the
        /// activity completes asynchronously. When the report itself cannot be made (the server
        /// stayed away longer than the retries, the worker is stopping) the outcome goes back to
        /// the SDK as usual, which makes its own attempt.
        /// </summary>
        public static async Task<T> RunAsync<T>(ITemporalClient client, ILogger logger, Func<Task<T>> run)
        {
            var ctx = ActivityExecutionContext.Current;
            var handle = client.GetAsyncActivityHandle(ctx.Info.TaskToken);
            T result;
            try
            {
                result = await run().ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is CompleteAsyncException))
            {
                Metrics.TaskOutcome.MarkFailed(ctx);
                if (await ReportAsync(ctx, logger, "failure", ct => handle.FailAsync(ex, new AsyncActivityFailOptions { Rpc = new RpcOptions { CancellationToken = ct } })).ConfigureAwait(false))
                    throw new CompleteAsyncException();
                ExceptionDispatchInfo.Capture(ex).Throw();
                throw;
            }
            if (await ReportAsync(ctx, logger, "result", ct => handle.CompleteAsync(result, new AsyncActivityCompleteOptions { Rpc = new RpcOptions { CancellationToken = ct } })).ConfigureAwait(false))
                throw new CompleteAsyncException();
            return result;
        }

        /// <summary>True when the server has the outcome (or no longer wants it); false to let the SDK report it.</summary>
        private static async Task<bool> ReportAsync(ActivityExecutionContext ctx, ILogger logger, string what, Func<CancellationToken, Task> report)
        {
            try
            {
                // A stopping worker does not wait out a long outage: the SDK's own report follows.
                await report(ctx.WorkerShutdownToken).ConfigureAwait(false);
                return true;
            }
            catch (RpcException ex) when (ex.Code == RpcException.StatusCode.NotFound)
            {
                // Recorded already (the server committed it and stopped before answering), or the
                // attempt timed out meanwhile and its retry owns the activity now.
                logger.LogWarning("Activity {Activity} of {Workflow}: the server no longer expects this attempt's {What} ({Message})",
                    ctx.Info.ActivityId, ctx.Info.WorkflowId, what, ex.Message);
                return true;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Activity {Activity} of {Workflow}: could not report its {What} ({Message}); leaving it to the worker",
                    ctx.Info.ActivityId, ctx.Info.WorkflowId, what, ex.Message);
                return false;
            }
        }
    }
}
