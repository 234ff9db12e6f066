using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Common.V1;
using Temporalio.Api.TaskQueue.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Exceptions;
using Temporalio.Workflows;
using WorkflowExecution = Temporalio.Api.Common.V1.WorkflowExecution;

namespace Kubiya.Tests.BadInput;

/// <summary>
/// Malformed or impossible requests sent straight through the SDK's raw WorkflowService client:
/// each must get the gRPC status Temporal gives, with a message a person can act on, and must
/// leave the server serving.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "BadInput")]
public sealed class BadRequestTests(ServerFixture fx)
{
    private WorkflowService Service => fx.Client.Connection.WorkflowService;

    [Workflow]
    public sealed class IdleWorkflow
    {
        [WorkflowRun]
        public Task RunAsync() => Workflow.WaitConditionAsync(() => false);
    }

    private StartWorkflowExecutionRequest ValidStart(string? workflowId = null) => new()
    {
        Namespace = fx.Namespace,
        WorkflowId = workflowId ?? ServerFixture.Unique("bad-input"),
        WorkflowType = new WorkflowType { Name = "IdleWorkflow" },
        TaskQueue = new TaskQueue { Name = ServerFixture.Unique("no-worker") },
        RequestId = Guid.NewGuid().ToString(),
        Identity = "bad-input-tests",
    };

    private static async Task<RpcException> FailsWith(RpcException.StatusCode code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, ex.Code);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message), "the error message must say what is wrong");
        Assert.DoesNotContain("Exception", ex.Message); // no stack traces or type names leaking out
        return ex;
    }

    /// <summary>True when <paramref name="message"/> names the field, however it is spelled (WorkflowId, workflow id, workflow_id).</summary>
    private static void AssertNames(string field, string message)
    {
        static string Squash(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        Assert.True(Squash(message).Contains(Squash(field)), $"'{message}' should name {field}");
    }

    private async Task<string> StartIdleAsync(string? id = null)
    {
        var start = ValidStart(id);
        var resp = await Service.StartWorkflowExecutionAsync(start);
        return resp.RunId;
    }

    private async Task TerminateAsync(string id) =>
        await fx.Client.GetWorkflowHandle(id).TerminateAsync("bad-input test done");

    [Fact]
    public async Task UnknownNamespaceIsNotFound()
    {
        var req = ValidStart();
        req.Namespace = "no-such-namespace-" + Guid.NewGuid().ToString("N");
        var ex = await FailsWith(RpcException.StatusCode.NotFound, () => Service.StartWorkflowExecutionAsync(req));
        Assert.Contains(req.Namespace, ex.Message);
    }

    [Fact]
    public async Task UnknownWorkflowIdIsNotFound()
    {
        await FailsWith(RpcException.StatusCode.NotFound, () => Service.DescribeWorkflowExecutionAsync(new DescribeWorkflowExecutionRequest
        {
            Namespace = fx.Namespace,
            Execution = new WorkflowExecution { WorkflowId = ServerFixture.Unique("never-started") },
        }));
    }

    [Fact]
    public async Task MissingWorkflowIdIsInvalidArgumentNamingTheField()
    {
        var req = ValidStart();
        req.WorkflowId = "";
        var ex = await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.StartWorkflowExecutionAsync(req));
        AssertNames("WorkflowId", ex.Message);
    }

    [Fact]
    public async Task MissingWorkflowTypeIsInvalidArgumentNamingTheField()
    {
        var req = ValidStart();
        req.WorkflowType = null;
        var ex = await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.StartWorkflowExecutionAsync(req));
        AssertNames("WorkflowType", ex.Message);
    }

    [Fact]
    public async Task MissingTaskQueueIsInvalidArgumentNamingTheField()
    {
        var req = ValidStart();
        req.TaskQueue = new TaskQueue { Name = "" };
        var ex = await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.StartWorkflowExecutionAsync(req));
        AssertNames("TaskQueue", ex.Message);
    }

    [Fact]
    public async Task MissingNamespaceIsInvalidArgumentNamingTheField()
    {
        var req = ValidStart();
        req.Namespace = "";
        var ex = await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.StartWorkflowExecutionAsync(req));
        AssertNames("Namespace", ex.Message);
    }

    [Theory]
    [InlineData("MaximumAttempts", -1, 2.0, 1, 0)]
    [InlineData("BackoffCoefficient", 0, 0.5, 1, 0)]
    [InlineData("InitialInterval", 0, 2.0, -1, 0)]
    [InlineData("MaximumInterval", 0, 2.0, 10, 5)]
    public async Task InvalidRetryPolicyIsInvalidArgumentNamingTheField(string field, int maxAttempts, double coefficient, int initialSec, int maxSec)
    {
        var req = ValidStart();
        req.RetryPolicy = new RetryPolicy
        {
            MaximumAttempts = maxAttempts,
            BackoffCoefficient = coefficient,
            InitialInterval = new Duration { Seconds = initialSec },
            MaximumInterval = maxSec == 0 ? null : new Duration { Seconds = maxSec },
        };
        var ex = await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.StartWorkflowExecutionAsync(req));
        AssertNames(field, ex.Message);
    }

    [Fact]
    public async Task GarbageTaskTokenIsInvalidArgument()
    {
        await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.RespondActivityTaskCompletedAsync(new RespondActivityTaskCompletedRequest
        {
            Namespace = fx.Namespace,
            TaskToken = ByteString.CopyFromUtf8("not-a-task-token\u00ff\u0001garbage"),
            Identity = "bad-input-tests",
        }));
        await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.RespondWorkflowTaskCompletedAsync(new RespondWorkflowTaskCompletedRequest
        {
            Namespace = fx.Namespace,
            TaskToken = ByteString.CopyFrom(0xff, 0xfe, 0x00, 0x42, 0x13),
            Identity = "bad-input-tests",
        }));
    }

    [Fact]
    public async Task EmptyTaskTokenIsInvalidArgument()
    {
        var ex = await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.RecordActivityTaskHeartbeatAsync(new RecordActivityTaskHeartbeatRequest
        {
            Namespace = fx.Namespace,
            TaskToken = ByteString.Empty,
        }));
        AssertNames("TaskToken", ex.Message);
    }

    [Fact]
    public async Task OversizedPayloadIsInvalidArgumentAndNothingIsStarted()
    {
        var req = ValidStart();
        req.Input = new Payloads();
        req.Input.Payloads_.Add(new Payload
        {
            Metadata = { ["encoding"] = ByteString.CopyFromUtf8("binary/plain") },
            Data = ByteString.CopyFrom(new byte[2 * 1024 * 1024 + 1024]),
        });
        await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.StartWorkflowExecutionAsync(req));
        await FailsWith(RpcException.StatusCode.NotFound, () => Service.DescribeWorkflowExecutionAsync(new DescribeWorkflowExecutionRequest
        {
            Namespace = fx.Namespace,
            Execution = new WorkflowExecution { WorkflowId = req.WorkflowId },
        }));
    }

    [Fact]
    public async Task QueryOfAnUnknownWorkflowIsNotFound()
    {
        await FailsWith(RpcException.StatusCode.NotFound, () => Service.QueryWorkflowAsync(new QueryWorkflowRequest
        {
            Namespace = fx.Namespace,
            Execution = new WorkflowExecution { WorkflowId = ServerFixture.Unique("never-started") },
            Query = new Temporalio.Api.Query.V1.WorkflowQuery { QueryType = "state" },
        }));
    }

    [Fact]
    public async Task PollWithoutATaskQueueIsInvalidArgument()
    {
        var ex = await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.PollActivityTaskQueueAsync(new PollActivityTaskQueueRequest
        {
            Namespace = fx.Namespace,
            Identity = "bad-input-tests",
        }));
        AssertNames("TaskQueue", ex.Message);
    }

    [Fact]
    public async Task OversizedSignalIsInvalidArgumentAndNotRecorded()
    {
        var id = ServerFixture.Unique("bad-input");
        await StartIdleAsync(id);
        var signal = new SignalWorkflowExecutionRequest
        {
            Namespace = fx.Namespace,
            WorkflowExecution = new WorkflowExecution { WorkflowId = id },
            SignalName = "too-big",
            RequestId = Guid.NewGuid().ToString(),
            Input = new Payloads(),
        };
        signal.Input.Payloads_.Add(new Payload { Data = ByteString.CopyFrom(new byte[3 * 1024 * 1024]) });
        await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.SignalWorkflowExecutionAsync(signal));
        var history = await Service.GetWorkflowExecutionHistoryAsync(new GetWorkflowExecutionHistoryRequest
        {
            Namespace = fx.Namespace,
            Execution = new WorkflowExecution { WorkflowId = id },
        });
        Assert.DoesNotContain(history.History.Events, e => e.EventType == Temporalio.Api.Enums.V1.EventType.WorkflowExecutionSignaled);
        await TerminateAsync(id);
    }

    [Fact]
    public async Task SignalToACompletedWorkflowIsNotFound()
    {
        var id = ServerFixture.Unique("bad-input");
        await StartIdleAsync(id);
        await TerminateAsync(id);
        await FailsWith(RpcException.StatusCode.NotFound, () => Service.SignalWorkflowExecutionAsync(new SignalWorkflowExecutionRequest
        {
            Namespace = fx.Namespace,
            WorkflowExecution = new WorkflowExecution { WorkflowId = id },
            SignalName = "too-late",
            RequestId = Guid.NewGuid().ToString(),
        }));
    }

    [Fact]
    public async Task DuplicateStartIsAlreadyExists()
    {
        var id = ServerFixture.Unique("bad-input");
        var runId = await StartIdleAsync(id);
        var ex = await FailsWith(RpcException.StatusCode.AlreadyExists, () => Service.StartWorkflowExecutionAsync(ValidStart(id)));
        Assert.Contains(id, ex.Message);
        await TerminateAsync(id);
        Assert.False(string.IsNullOrEmpty(runId));
    }

    [Fact]
    public async Task InvalidRunIdIsInvalidArgument()
    {
        var id = ServerFixture.Unique("bad-input");
        await StartIdleAsync(id);
        var ex = await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.DescribeWorkflowExecutionAsync(new DescribeWorkflowExecutionRequest
        {
            Namespace = fx.Namespace,
            Execution = new WorkflowExecution { WorkflowId = id, RunId = "not-a-run-id" },
        }));
        AssertNames("RunId", ex.Message);
        await TerminateAsync(id);
    }

    [Fact]
    public async Task NegativeTimeoutIsInvalidArgument()
    {
        var req = ValidStart();
        req.WorkflowRunTimeout = new Duration { Seconds = -5 };
        var ex = await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.StartWorkflowExecutionAsync(req));
        AssertNames("WorkflowRunTimeout", ex.Message);
    }

    [Fact]
    public async Task EmptySignalNameIsInvalidArgument()
    {
        var id = ServerFixture.Unique("bad-input");
        await StartIdleAsync(id);
        await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.SignalWorkflowExecutionAsync(new SignalWorkflowExecutionRequest
        {
            Namespace = fx.Namespace,
            WorkflowExecution = new WorkflowExecution { WorkflowId = id },
            SignalName = "",
            RequestId = Guid.NewGuid().ToString(),
        }));
        await TerminateAsync(id);
    }

    [Fact]
    public async Task StaleWorkflowTaskTokenIsNotFound()
    {
        // A well-formed token whose workflow task is gone: the workflow was terminated meanwhile.
        var id = ServerFixture.Unique("bad-input");
        var queue = ServerFixture.Unique("stale");
        var start = ValidStart(id);
        start.TaskQueue = new TaskQueue { Name = queue };
        await Service.StartWorkflowExecutionAsync(start);
        var poll = await Service.PollWorkflowTaskQueueAsync(new PollWorkflowTaskQueueRequest
        {
            Namespace = fx.Namespace,
            TaskQueue = new TaskQueue { Name = queue },
            Identity = "bad-input-tests",
        });
        Assert.False(poll.TaskToken.IsEmpty);
        await TerminateAsync(id);
        await FailsWith(RpcException.StatusCode.NotFound, () => Service.RespondWorkflowTaskCompletedAsync(new RespondWorkflowTaskCompletedRequest
        {
            Namespace = fx.Namespace,
            TaskToken = poll.TaskToken,
            Identity = "bad-input-tests",
        }));
    }

    [Fact]
    public async Task AnInvalidCronScheduleIsRefusedAndStartsNothing()
    {
        var req = ValidStart();
        req.CronSchedule = "*/5 * * *";
        var ex = await FailsWith(RpcException.StatusCode.InvalidArgument, () => Service.StartWorkflowExecutionAsync(req));
        AssertNames("CronSchedule", ex.Message);
        await FailsWith(RpcException.StatusCode.NotFound, () => Service.DescribeWorkflowExecutionAsync(new DescribeWorkflowExecutionRequest
        {
            Namespace = fx.Namespace,
            Execution = new WorkflowExecution { WorkflowId = req.WorkflowId },
        }));
    }

    [EmbeddedServerFact]
    public async Task UnimplementedRpcIsUnimplementedAndTheServerKeepsServing()
    {
        var ex = await FailsWith(RpcException.StatusCode.Unimplemented, () => Service.ListBatchOperationsAsync(new ListBatchOperationsRequest { Namespace = fx.Namespace }));
        Assert.Contains("ListBatchOperations", ex.Message);
        var info = await Service.GetSystemInfoAsync(new GetSystemInfoRequest());
        Assert.False(string.IsNullOrEmpty(info.ServerVersion));
        var id = ServerFixture.Unique("after-unimplemented");
        await StartIdleAsync(id);
        await TerminateAsync(id);
    }
}
