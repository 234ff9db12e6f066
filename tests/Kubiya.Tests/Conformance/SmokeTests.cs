using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class SmokeTests(ServerFixture fx)
{
    [Workflow]
    public sealed class HelloWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(string name) =>
            await Workflow.ExecuteActivityAsync(() => Activities.Greet(name), new() { StartToCloseTimeout = TimeSpan.FromSeconds(10) });
    }

    public static class Activities
    {
        [Activity]
        public static string Greet(string name) => $"Hello, {name}!";
    }

    [Fact]
    public async Task HelloWorkflowRunsToCompletionThroughTheRealWorker()
    {
        var queue = ServerFixture.Unique("hello");
        using var worker = new TemporalWorker(fx.Client, new TemporalWorkerOptions(queue)
            .AddWorkflow<HelloWorkflow>()
            .AddActivity(Activities.Greet));
        var result = await worker.ExecuteAsync(() => fx.Client.ExecuteWorkflowAsync(
            (HelloWorkflow wf) => wf.RunAsync("Kubiya"), new(ServerFixture.Unique("wf"), queue)));
        Assert.Equal("Hello, Kubiya!", result);
    }
}
