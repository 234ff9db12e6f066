using Google.Protobuf.WellKnownTypes;
using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>
/// Eager workflow start (the first workflow task handed back in the start answer), server-side
/// completion of a worker's polls at its shutdown, and the capabilities the server advertises
/// for both.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class EagerStartTests(ServerFixture fx) : ConformanceTest(fx)
{
    [Workflow("EagerHello")]
    public sealed class HelloWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(string name) => Task.FromResult($"hello {name}");
    }

    private WorkflowService Service => Client.Connection.WorkflowService;

    private async Task<bool> NamespaceOffersEagerStartAsync() =>
        (await Service.DescribeNamespaceAsync(new DescribeNamespaceRequest { Namespace = Fx.Namespace })).NamespaceInfo.Capabilities.EagerWorkflowStart;

    private StartWorkflowExecutionRequest StartRequest(string queue, string? id = null) => new()
    {
        Namespace = Fx.Namespace,
        WorkflowId = id ?? Id("eager"),
        WorkflowType = new() { Name = "EagerHello" },
        TaskQueue = new() { Name = queue },
        RequestId = Guid.NewGuid().ToString(),
        Identity = "starter-1",
        WorkflowRunTimeout = Duration.FromTimeSpan(TimeSpan.FromMinutes(5)),
    };

    private static readonly Grpc.Core.Method<StartWorkflowExecutionRequest, StartWorkflowExecutionResponse> StartMethod = new(
        Grpc.Core.MethodType.Unary, "temporal.api.workflowservice.v1.WorkflowService", "StartWorkflowExecution",
        Grpc.Core.Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), StartWorkflowExecutionRequest.Parser.ParseFrom),
        Grpc.Core.Marshallers.Create(m => Google.Protobuf.MessageExtensions.ToByteArray(m), StartWorkflowExecutionResponse.Parser.ParseFrom));

    // ---- capabilities ----

    [EmbeddedServerFact]
    public async Task CapabilitiesSayWhatTheServerDoes()
    {
        var ns = (await Service.DescribeNamespaceAsync(new DescribeNamespaceRequest { Namespace = Fx.Namespace })).NamespaceInfo.Capabilities;
        Assert.True(ns.EagerWorkflowStart);
        Assert.True(ns.WorkerPollCompleteOnShutdown);
        Assert.True(ns.SyncUpdate);
        Assert.True(ns.AsyncUpdate);
        Assert.True(ns.StandaloneActivities);
        var system = (await Service.GetSystemInfoAsync(new GetSystemInfoRequest())).Capabilities;
        Assert.True(system.EagerWorkflowStart);
        Assert.True(system.SupportsSchedules);
    }

    // ---- eager workflow start ----

    [Fact]
    public async Task EagerStartHandsTheFirstWorkflowTaskToTheStarterWhoCanCompleteIt()
    {
        var queue = Id("eager-nobody-polls");
        var eager = await NamespaceOffersEagerStartAsync();
        var request = StartRequest(queue);
        request.RequestEagerExecution = true;
        // Straight over gRPC: the SDK's own client drops the eager flag when no local worker can take the task.
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress("http://" + Fx.Address);
        var headers = new Grpc.Core.Metadata();
        if (Fx.Token != null) headers.Add("authorization", "Bearer " + Fx.Token);
        var resp = await channel.CreateCallInvoker().AsyncUnaryCall(StartMethod, null, new Grpc.Core.CallOptions(headers), request);
        Assert.True(resp.Started);
        if (!eager)
        {
            Assert.Null(resp.EagerWorkflowTask);
            return;
        }
        var task = Assert.IsType<PollWorkflowTaskQueueResponse>(resp.EagerWorkflowTask);
        var events = task.History.Events;
        Assert.Equal(EventType.WorkflowExecutionStarted, events[0].EventType);
        Assert.Equal(EventType.WorkflowTaskStarted, events[^1].EventType);
        Assert.Equal("starter-1", events[^1].WorkflowTaskStartedEventAttributes.Identity);
        Assert.Equal(events[^1].EventId, task.StartedEventId);
        // Nobody polls this queue: only the starter holding the task can move the run on.
        await Service.RespondWorkflowTaskCompletedAsync(new RespondWorkflowTaskCompletedRequest
        {
            Namespace = Fx.Namespace,
            TaskToken = task.TaskToken,
            Identity = "starter-1",
            Commands =
            {
                new Command
                {
                    CommandType = CommandType.CompleteWorkflowExecution,
                    CompleteWorkflowExecutionCommandAttributes = new(),
                },
            },
        });
        var handle = Client.GetWorkflowHandle(request.WorkflowId);
        Assert.Equal(WorkflowExecutionStatus.Completed, (await handle.DescribeAsync()).Status);
        Assert.Single(await HistoryAsync(handle), e => e.EventType == EventType.WorkflowTaskStarted);
    }

    [Fact]
    public async Task NoEagerTaskWithoutTheRequestForAnExistingRunOrWithAStartDelay()
    {
        var queue = Id("eager-nobody-polls");
        var plainRequest = StartRequest(queue);
        Assert.Null((await Service.StartWorkflowExecutionAsync(plainRequest)).EagerWorkflowTask);
        await Client.GetWorkflowHandle(plainRequest.WorkflowId).TerminateAsync("done");
        var id = Id("eager-existing");
        await Service.StartWorkflowExecutionAsync(StartRequest(queue, id));
        var again = StartRequest(queue, id);
        again.RequestEagerExecution = true;
        again.WorkflowIdConflictPolicy = WorkflowIdConflictPolicy.UseExisting;
        var existing = await Service.StartWorkflowExecutionAsync(again);
        Assert.False(existing.Started);
        Assert.Null(existing.EagerWorkflowTask);
        var delayed = StartRequest(queue);
        delayed.RequestEagerExecution = true;
        delayed.WorkflowStartDelay = Duration.FromTimeSpan(TimeSpan.FromMinutes(10));
        Assert.Null((await Service.StartWorkflowExecutionAsync(delayed)).EagerWorkflowTask);
        await Client.GetWorkflowHandle(id).TerminateAsync("done");
        await Client.GetWorkflowHandle(delayed.WorkflowId).TerminateAsync("done");
    }

    [Fact]
    public async Task SdkEagerStartRunsTheFirstTaskOnTheStartersOwnWorker()
    {
        var queue = Id("eager");
        var options = new TemporalWorkerOptions(queue) { Identity = "polling-worker" }.AddWorkflow<HelloWorkflow>();
        var eager = await NamespaceOffersEagerStartAsync();
        var handle = await WithWorkerAsync(options, async () =>
        {
            var h = await Client.StartWorkflowAsync((HelloWorkflow wf) => wf.RunAsync("eager"),
                new(Id("eager-sdk"), queue) { RequestEagerStart = true });
            Assert.Equal("hello eager", await h.GetResultAsync());
            return h;
        });
        var events = await HistoryAsync(handle);
        Assert.DoesNotContain(events, e => e.EventType is EventType.WorkflowTaskTimedOut or EventType.WorkflowTaskFailed);
        var firstTask = events.First(e => e.EventType == EventType.WorkflowTaskStarted).WorkflowTaskStartedEventAttributes;
        // Handed back to the starter (the client's identity), not picked up by a poll.
        if (eager) Assert.Equal(Client.Connection.Options.Identity, firstTask.Identity);
        else Assert.Equal("polling-worker", firstTask.Identity);
    }

    // ---- polls end at worker shutdown ----

    [EmbeddedServerFact]
    public async Task ShutdownWorkerEndsThatWorkersPollsAndOnlyThose()
    {
        var queue = Id("shutdown-polls");
        var key = Guid.NewGuid().ToString();
        var other = Guid.NewGuid().ToString();
        using var otherGone = new CancellationTokenSource();
        var mine = Service.PollActivityTaskQueueAsync(new PollActivityTaskQueueRequest
        {
            Namespace = Fx.Namespace, TaskQueue = new() { Name = queue }, Identity = "w1", WorkerInstanceKey = key,
        });
        var mineWorkflow = Service.PollWorkflowTaskQueueAsync(new PollWorkflowTaskQueueRequest
        {
            Namespace = Fx.Namespace, TaskQueue = new() { Name = queue }, Identity = "w1", WorkerInstanceKey = key,
        });
        var theirs = Service.PollActivityTaskQueueAsync(new PollActivityTaskQueueRequest
        {
            Namespace = Fx.Namespace, TaskQueue = new() { Name = queue }, Identity = "w2", WorkerInstanceKey = other,
        }, new() { CancellationToken = otherGone.Token });
        await Task.Delay(500);
        Assert.False(mine.IsCompleted);
        await Service.ShutdownWorkerAsync(new ShutdownWorkerRequest
        {
            Namespace = Fx.Namespace, Identity = "w1", WorkerInstanceKey = key, TaskQueue = queue,
        });
        // Well inside the 20 s long poll: the answers are empty and come now.
        Assert.True((await mine.WaitAsync(TimeSpan.FromSeconds(10))).TaskToken.IsEmpty);
        Assert.True((await mineWorkflow.WaitAsync(TimeSpan.FromSeconds(10))).TaskToken.IsEmpty);
        // A poll of the same worker arriving after its shutdown is answered at once.
        var late = await Service.PollActivityTaskQueueAsync(new PollActivityTaskQueueRequest
        {
            Namespace = Fx.Namespace, TaskQueue = new() { Name = queue }, Identity = "w1", WorkerInstanceKey = key,
        }).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(late.TaskToken.IsEmpty);
        Assert.False(theirs.IsCompleted, "another worker's poll ended too");
        otherGone.Cancel();
        await Assert.ThrowsAnyAsync<Exception>(() => theirs);
    }
}
