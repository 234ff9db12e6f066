using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>Many workflows at once, with signals and queries racing their workflow tasks.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class ConcurrencyTests(ServerFixture fx) : ConformanceTest(fx)
{
    public sealed class StepActivities
    {
        [Activity]
        public async Task<int> Step(int n)
        {
            await Task.Delay(20);
            return n + 1;
        }
    }

    /// <summary>Runs a few activity steps, then waits for a signal carrying the final increment.</summary>
    [Workflow]
    public sealed class StepsWorkflow
    {
        private int? bonus;

        [WorkflowQuery]
        public int Progress { get; private set; }

        [WorkflowRun]
        public async Task<int> RunAsync(int steps)
        {
            for (var i = 0; i < steps; i++)
                Progress = await Workflow.ExecuteActivityAsync((StepActivities a) => a.Step(Progress), new() { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
            await Workflow.WaitConditionAsync(() => bonus != null);
            return Progress + bonus!.Value;
        }

        [WorkflowSignal]
        public Task BonusAsync(int value)
        {
            bonus = value;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task ManyWorkflowsWithSignalsAndQueriesAllCompleteCorrectly()
    {
        const int workflows = 40, steps = 4;
        var queue = Id("many");
        var results = await WithWorkerAsync(new TemporalWorkerOptions(queue).AddWorkflow<StepsWorkflow>().AddAllActivities(new StepActivities()), async () =>
        {
            var handles = await Task.WhenAll(Enumerable.Range(0, workflows).Select(i =>
                Client.StartWorkflowAsync((StepsWorkflow wf) => wf.RunAsync(steps), new(Id($"many-{i}"), queue))));
            return await Task.WhenAll(handles.Select(async (h, i) =>
            {
                // Queries and the signal race the workflow's own tasks; none may be lost or misapplied.
                var progress = await h.QueryAsync(wf => wf.Progress);
                Assert.InRange(progress, 0, steps);
                await h.SignalAsync(wf => wf.BonusAsync(i * 100));
                await EventuallyAsync(() => h.QueryAsync(wf => wf.Progress), p => p == steps, $"workflow {i} to finish its steps");
                return (i, await h.GetResultAsync());
            }));
        });
        Assert.All(results, r => Assert.Equal(steps + r.i * 100, r.Item2));
    }
}
