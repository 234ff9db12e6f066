using System;
using System.Threading.Tasks;
using Temporalio.Workflows;

namespace Kubiya.Core.Health
{
    /// <summary>
    /// A worker's health record on Temporal: one long-running workflow per worker, on the
    /// worker's own queue. Each heartbeat is a signal; the workflow copies it into its memo with
    /// the server's time, so <c>ListWorkflowExecutions</c> alone shows every worker's last
    /// heartbeat to any machine on the namespace, even after the worker died. A graceful stop
    /// terminates it (no worker is needed for that); a record silent for <see cref="HealthNames.CloseAfterIntervals"/> intervals is
    /// closed by whichever worker of the queue still runs.
    /// </summary>
    [Workflow(HealthNames.Workflow)]
    public sealed class WorkerHealthWorkflow
    {
        // Continue as new before history grows large (each beat adds a few events).
        private const int BeatsPerRun = 500;
        private WorkerHealth? latest;
        private long beats;

        /// <summary>Runs until the worker stops or stays silent.</summary>
        [WorkflowRun]
        public async Task RunAsync(WorkerHealth? carried)
        {
            if (carried != null) Record(carried);
            while (true)
            {
                var seen = beats;
                var interval = TimeSpan.FromSeconds(Math.Max(1, latest?.IntervalSeconds ?? 30));
                var heard = await Workflow.WaitConditionAsync(() => beats != seen,
                    TimeSpan.FromTicks(interval.Ticks * HealthNames.CloseAfterIntervals));
                if (!heard) return;
                if (beats >= BeatsPerRun || Workflow.ContinueAsNewSuggested)
                    throw Workflow.CreateContinueAsNewException((WorkerHealthWorkflow wf) => wf.RunAsync(latest));
            }
        }

        /// <summary>Records a heartbeat.</summary>
        [WorkflowSignal(HealthNames.BeatSignal)]
        public Task BeatAsync(WorkerHealth health)
        {
            Record(health);
            beats++;
            return Task.CompletedTask;
        }

        private void Record(WorkerHealth health)
        {
            health.RecordedAt = Workflow.UtcNow;
            latest = health;
            Workflow.UpsertMemo(MemoUpdate.ValueSet(HealthNames.MemoKey, health));
        }
    }
}
