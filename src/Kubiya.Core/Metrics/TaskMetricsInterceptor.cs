using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Kubiya.Core.Workflows;
using Temporalio.Activities;
using Temporalio.Exceptions;
using Temporalio.Worker.Interceptors;
using Temporalio.Workflows;

namespace Kubiya.Core.Metrics
{
    /// <summary>
    /// Measures what a worker runs, without touching the workflows and activities themselves:
    /// every activity (count, outcome, run time, queue wait) and every execution that finishes
    /// here (by agent and outcome; replays are not counted).
    /// </summary>
    public sealed class TaskMetricsInterceptor : IWorkerInterceptor
    {
        private readonly string queue;

        /// <summary>Creates the interceptor for a worker of <paramref name="queue"/>.</summary>
        public TaskMetricsInterceptor(string queue) => this.queue = queue;

        /// <summary>The worker's own totals.</summary>
        public TaskCounters Counters { get; } = new TaskCounters();

        /// <inheritdoc />
        public ActivityInboundInterceptor InterceptActivity(ActivityInboundInterceptor nextInterceptor) => new Activities(this, nextInterceptor);

        /// <inheritdoc />
        public WorkflowInboundInterceptor InterceptWorkflow(WorkflowInboundInterceptor nextInterceptor) => new Executions(this, nextInterceptor);

        /// <inheritdoc />
        public NexusOperationInboundInterceptor InterceptNexusOperation(NexusOperationInboundInterceptor nextInterceptor) => nextInterceptor;

        private static string Outcome(Exception ex) =>
            ex is OperationCanceledException || ex is CanceledFailureException || TemporalException.IsCanceledException(ex) ? "cancelled" : "failed";

        private sealed class Activities : ActivityInboundInterceptor
        {
            private readonly TaskMetricsInterceptor root;

            public Activities(TaskMetricsInterceptor root, ActivityInboundInterceptor next) : base(next) => this.root = root;

            public override async Task<object?> ExecuteActivityAsync(ExecuteActivityInput input)
            {
                var info = ActivityExecutionContext.Current.Info;
                var task = info.ActivityType;
                WorkerMetrics.QueueWait.WithLabels(root.queue, task).Observe(Math.Max(0, (info.StartedTime - info.CurrentAttemptScheduledTime).TotalSeconds));
                var active = WorkerMetrics.ActiveTasks.WithLabels(root.queue);
                active.Inc();
                root.Counters.Started();
                var clock = Stopwatch.StartNew();
                var outcome = "completed";
                try
                {
                    return await base.ExecuteActivityAsync(input).ConfigureAwait(false);
                }
                catch (CompleteAsyncException)
                {
                    // Reported by task token (see OutcomeReporter): failed only when it said so.
                    if (TaskOutcome.ReportedFailure(ActivityExecutionContext.Current)) outcome = "failed";
                    throw;
                }
                catch (Exception ex)
                {
                    outcome = Outcome(ex);
                    throw;
                }
                finally
                {
                    active.Dec();
                    root.Counters.Finished(outcome == "completed", clock.Elapsed);
                    WorkerMetrics.Tasks.WithLabels(root.queue, task, outcome).Inc();
                    WorkerMetrics.TaskDuration.WithLabels(root.queue, task, outcome).Observe(clock.Elapsed.TotalSeconds);
                }
            }
        }

        private sealed class Executions : WorkflowInboundInterceptor
        {
            private readonly TaskMetricsInterceptor root;

            public Executions(TaskMetricsInterceptor root, WorkflowInboundInterceptor next) : base(next) => this.root = root;

            public override async Task<object?> ExecuteWorkflowAsync(ExecuteWorkflowInput input)
            {
                if (Workflow.Info.WorkflowType != WorkflowNames.Execution) return await base.ExecuteWorkflowAsync(input).ConfigureAwait(true);
                var agent = (input.Args.Length > 0 ? (input.Args[0] as ExecutionInput)?.Agent : null) ?? "";
                var outcome = "completed";
                try
                {
                    return await base.ExecuteWorkflowAsync(input).ConfigureAwait(true);
                }
                catch (ContinueAsNewException)
                {
                    outcome = "";
                    throw;
                }
                catch (Exception ex)
                {
                    outcome = Outcome(ex);
                    throw;
                }
                finally
                {
                    // Counted once, by the worker that closes the run (never while replaying).
                    if (outcome.Length > 0 && !Workflow.Unsafe.IsReplaying)
                    {
                        var seconds = Math.Max(0, (Workflow.UtcNow - Workflow.Info.StartTime).TotalSeconds);
                        WorkerMetrics.Executions.WithLabels(root.queue, agent, outcome).Inc();
                        WorkerMetrics.ExecutionDuration.WithLabels(root.queue, agent, outcome).Observe(seconds);
                    }
                }
            }
        }
    }
}
