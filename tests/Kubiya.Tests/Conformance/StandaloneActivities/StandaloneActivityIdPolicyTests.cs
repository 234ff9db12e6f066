using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Exceptions;

namespace Kubiya.Tests.Conformance.StandaloneActivities;

/// <summary>
/// Activity id rules as Temporal documents them: a running id conflicts (fail by default, or use
/// the existing run), a closed id is reused per the id reuse policy, and a retried start with
/// the same request id finds the run it created.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class StandaloneActivityIdPolicyTests(ServerFixture fx) : StandaloneTest(fx)
{
    [Fact]
    public async Task StartingARunningIdFailsByDefault()
    {
        var id = Id("sa-conflict");
        var queue = Queue();
        var first = await Client.StartActivityAsync("Greet", new object?[] { "one" }, Options(id, queue));
        var ex = await Assert.ThrowsAsync<ActivityAlreadyStartedException>(() =>
            Client.StartActivityAsync("Greet", new object?[] { "two" }, Options(id, queue)));
        Assert.Equal(id, ex.ActivityId);
        Assert.Equal(first.RunId, ex.RunId);
    }

    [Fact]
    public async Task UseExistingConflictPolicyReturnsTheRunningExecution()
    {
        var id = Id("sa-use-existing");
        var queue = Queue();
        var first = await Client.StartActivityAsync("Greet", new object?[] { "one" }, Options(id, queue));
        var options = Options(id, queue);
        options.IdConflictPolicy = ActivityIdConflictPolicy.UseExisting;
        var second = await Client.StartActivityAsync("Greet", new object?[] { "two" }, options);
        Assert.Equal(first.RunId, second.RunId);
        // Only the first start's input runs.
        Assert.Equal("Hello, one", await WithJobsAsync(queue, new StandaloneJobs(), () => second.GetResultAsync<string>()));
    }

    [Fact]
    public async Task ClosedIdIsReusedByDefaultAsANewRun()
    {
        var id = Id("sa-reuse");
        var queue = Queue();
        var jobs = new StandaloneJobs();
        await WithJobsAsync(queue, jobs, async () =>
        {
            var first = await Client.StartActivityAsync("Greet", new object?[] { "first" }, Options(id, queue));
            Assert.Equal("Hello, first", await first.GetResultAsync<string>());
            var second = await Client.StartActivityAsync("Greet", new object?[] { "second" }, Options(id, queue));
            Assert.NotEqual(first.RunId, second.RunId);
            Assert.Equal("Hello, second", await second.GetResultAsync<string>());
            // The id names its latest run; the first one stays readable by its run id.
            Assert.Equal(second.RunId, (await Client.GetActivityHandle(id).DescribeAsync()).ActivityRunId);
            Assert.Equal(ActivityExecutionStatus.Completed, (await Client.GetActivityHandle(id, first.RunId).DescribeAsync()).Status);
        });
    }

    [Fact]
    public async Task RejectDuplicateRefusesAnyClosedRun()
    {
        var id = Id("sa-reject");
        var queue = Queue();
        await WithJobsAsync(queue, new StandaloneJobs(), async () =>
        {
            var first = await Client.StartActivityAsync("Greet", new object?[] { "once" }, Options(id, queue));
            await first.GetResultAsync<string>();
            var options = Options(id, queue);
            options.IdReusePolicy = ActivityIdReusePolicy.RejectDuplicate;
            var ex = await Assert.ThrowsAsync<ActivityAlreadyStartedException>(() =>
                Client.StartActivityAsync("Greet", new object?[] { "twice" }, options));
            Assert.Equal(first.RunId, ex.RunId);
        });
    }

    [Fact]
    public async Task AllowDuplicateFailedOnlyReusesOnlyAnUnsuccessfulRun()
    {
        var queue = Queue();
        var succeeded = Id("sa-failed-only-ok");
        var failed = Id("sa-failed-only-bad");
        await WithJobsAsync(queue, new StandaloneJobs(), async () =>
        {
            await (await Client.StartActivityAsync("Greet", new object?[] { "fine" }, Options(succeeded, queue))).GetResultAsync<string>();
            var broken = await Client.StartActivityAsync("Broken", Array.Empty<object?>(), Options(failed, queue));
            await Assert.ThrowsAsync<ActivityFailedException>(() => broken.GetResultAsync<string>());

            var options = Options(succeeded, queue);
            options.IdReusePolicy = ActivityIdReusePolicy.AllowDuplicateFailedOnly;
            await Assert.ThrowsAsync<ActivityAlreadyStartedException>(() => Client.StartActivityAsync("Greet", new object?[] { "again" }, options));

            var retry = Options(failed, queue);
            retry.IdReusePolicy = ActivityIdReusePolicy.AllowDuplicateFailedOnly;
            var again = await Client.StartActivityAsync("Greet", new object?[] { "recovered" }, retry);
            Assert.NotEqual(broken.RunId, again.RunId);
            Assert.Equal("Hello, recovered", await again.GetResultAsync<string>());
        });
    }

    [Fact]
    public async Task RetriedStartWithTheSameRequestIdFindsItsRun()
    {
        var id = Id("sa-request-id");
        var request = new StartActivityExecutionRequest
        {
            Namespace = Fx.Namespace,
            ActivityId = id,
            ActivityType = new() { Name = "Greet" },
            TaskQueue = new() { Name = Queue() },
            StartToCloseTimeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
            RequestId = Guid.NewGuid().ToString(),
        };
        var first = await Client.Connection.WorkflowService.StartActivityExecutionAsync(request);
        var second = await Client.Connection.WorkflowService.StartActivityExecutionAsync(request);
        Assert.True(first.Started);
        Assert.Equal(first.RunId, second.RunId);
    }
}
