using Temporalio.Api.Enums.V1;
using Kubiya.Tests.Infrastructure;
using Temporalio.Client;
using Temporalio.Client.Schedules;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance.Schedules;

/// <summary>Workflows and helpers shared by the schedule conformance tests.</summary>
public abstract class ScheduleTestBase(ServerFixture fx) : ConformanceTest(fx)
{
    [Workflow]
    public sealed class QuickWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(string text) => Task.FromResult("done " + text);
    }

    [Workflow]
    public sealed class WaitForeverWorkflow
    {
        [WorkflowRun]
        public Task RunAsync() => Workflow.WaitConditionAsync(() => false);
    }

    [Workflow]
    public sealed class FailingWorkflow
    {
        [WorkflowRun]
        public async Task RunAsync()
        {
            await Task.CompletedTask;
            throw new ApplicationFailureException("scheduled work failed", nonRetryable: true);
        }
    }

    protected static ScheduleActionStartWorkflow QuickAction(string workflowId, string queue) =>
        ScheduleActionStartWorkflow.Create((QuickWorkflow wf) => wf.RunAsync("scheduled"), new(workflowId, queue));

    protected static ScheduleActionStartWorkflow WaitAction(string workflowId, string queue) =>
        ScheduleActionStartWorkflow.Create((WaitForeverWorkflow wf) => wf.RunAsync(), new(workflowId, queue));

    protected static ScheduleSpec Every(TimeSpan every, TimeSpan? offset = null) =>
        new() { Intervals = new List<ScheduleIntervalSpec> { new(every, offset) } };

    protected static ScheduleSpec Cron(string cron, string? zone = null) =>
        new() { CronExpressions = new List<string> { cron }, TimeZoneName = zone };

    /// <summary>A schedule that never fires on its own during a test (paused, hourly).</summary>
    protected static Schedule PausedHourly(ScheduleAction action, ScheduleOverlapPolicy overlap = ScheduleOverlapPolicy.Skip) =>
        new(action, Cron("0 * * * *"))
        {
            Policy = new() { Overlap = overlap },
            State = new() { Paused = true, Note = "created paused by the test" },
        };

    protected async Task<ScheduleHandle> CreateAsync(string id, Schedule schedule, ScheduleOptions? options = null)
    {
        var handle = await Client.CreateScheduleAsync(id, schedule, options);
        return handle;
    }

    protected static Task<ScheduleDescription> EventuallyDescribedAsync(ScheduleHandle handle, Func<ScheduleDescription, bool> done, string what, TimeSpan? timeout = null) =>
        EventuallyAsync(() => handle.DescribeAsync(), done, what, timeout);

    /// <summary>The workflows a schedule started, from visibility, by its TemporalScheduledById.</summary>
    protected async Task<List<WorkflowExecution>> StartedByAsync(string scheduleId)
    {
        var list = new List<WorkflowExecution>();
        await foreach (var w in Client.ListWorkflowsAsync($"TemporalScheduledById = '{scheduleId}'")) list.Add(w);
        return list;
    }

    /// <summary>The raw DescribeSchedule answer (buffer size, dropped starts, workflow statuses).</summary>
    protected Task<Temporalio.Api.WorkflowService.V1.DescribeScheduleResponse> RawAsync(string scheduleId) =>
        Client.Connection.WorkflowService.DescribeScheduleAsync(new() { Namespace = Fx.Namespace, ScheduleId = scheduleId });

    protected static string TimestampSuffix(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ");
}

/// <summary>The workflow id of a schedule action (every action here starts a workflow).</summary>
public static class ScheduleActionExecutionExtensions
{
    extension(ScheduleActionExecution action)
    {
        public string WorkflowId => ((ScheduleActionExecutionStartWorkflow)action).WorkflowId;
    }
}
