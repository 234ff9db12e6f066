using Google.Protobuf.WellKnownTypes;
using Kubiya.Tests.Infrastructure;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance;

/// <summary>
/// UpdateWorkflowExecutionOptions with the "priority" field mask: the run's priority changes,
/// describe and history say so, and what the run schedules afterwards inherits the new one.
/// </summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class PriorityUpdateTests(ServerFixture fx) : ConformanceTest(fx)
{
    public sealed class Activities
    {
        [Activity]
        public int PriorityKey() => ActivityExecutionContext.Current.Info.Priority.PriorityKey ?? 0;
    }

    [Workflow]
    public sealed class WaitThenRun
    {
        private bool go;

        [WorkflowRun]
        public async Task<string> RunAsync()
        {
            var before = await Workflow.ExecuteActivityAsync((Activities a) => a.PriorityKey(), new() { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
            await Workflow.WaitConditionAsync(() => go);
            var after = await Workflow.ExecuteActivityAsync((Activities a) => a.PriorityKey(), new() { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
            return $"{before}->{after}";
        }

        [WorkflowSignal]
        public Task GoAsync()
        {
            go = true;
            return Task.CompletedTask;
        }
    }

    private Temporalio.Client.WorkflowService Service => Client.Connection.WorkflowService;

    [Fact]
    public async Task PriorityMaskChangesTheRunsPriorityForWhatItSchedulesNext()
    {
        var queue = Id("prio-update");
        var options = new TemporalWorkerOptions(queue).AddWorkflow<WaitThenRun>().AddAllActivities(new Activities());
        var result = await WithWorkerAsync(options, async () =>
        {
            var h = await Client.StartWorkflowAsync((WaitThenRun wf) => wf.RunAsync(), new(Id("prio-update"), queue) { Priority = new Priority(4) });
            await EventuallyAsync(() => HistoryAsync(h), ev => ev.Any(e => e.EventType == EventType.ActivityTaskCompleted), "the first activity");
            var updated = await Service.UpdateWorkflowExecutionOptionsAsync(new()
            {
                Namespace = Fx.Namespace,
                WorkflowExecution = new() { WorkflowId = h.Id },
                WorkflowExecutionOptions = new() { Priority = new() { PriorityKey = 1, FairnessKey = "tenant-x" } },
                UpdateMask = new FieldMask { Paths = { "priority" } },
                Identity = "operator",
            });
            Assert.Equal(1, updated.WorkflowExecutionOptions.Priority.PriorityKey);
            var described = await DescribeRawAsync(h.Id);
            Assert.Equal(1, described.WorkflowExecutionInfo.Priority.PriorityKey);
            Assert.Equal("tenant-x", described.WorkflowExecutionInfo.Priority.FairnessKey);
            await h.SignalAsync(wf => wf.GoAsync());
            var r = await h.GetResultAsync();
            var ev = Assert.Single(await HistoryAsync(h), e => e.EventType == EventType.WorkflowExecutionOptionsUpdated);
            Assert.Equal(1, ev.WorkflowExecutionOptionsUpdatedEventAttributes.Priority.PriorityKey);
            Assert.Null(ev.WorkflowExecutionOptionsUpdatedEventAttributes.VersioningOverride);
            return r;
        });
        Assert.Equal("4->1", result);
    }

    [Fact]
    public async Task NegativePriorityKeyIsRefused()
    {
        var queue = Id("prio-bad");
        var h = await Client.StartWorkflowAsync((WaitThenRun wf) => wf.RunAsync(), new(Id("prio-bad"), queue));
        var ex = await Assert.ThrowsAsync<RpcException>(() => Service.UpdateWorkflowExecutionOptionsAsync(new()
        {
            Namespace = Fx.Namespace,
            WorkflowExecution = new() { WorkflowId = h.Id },
            WorkflowExecutionOptions = new() { Priority = new() { PriorityKey = -1 } },
            UpdateMask = new FieldMask { Paths = { "priority" } },
        }));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.DoesNotContain(await HistoryAsync(h), e => e.EventType == EventType.WorkflowExecutionOptionsUpdated);
        await h.TerminateAsync("done");
    }
}
