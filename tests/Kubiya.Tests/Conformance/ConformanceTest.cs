using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Worker;

namespace Kubiya.Tests.Conformance;

/// <summary>
/// Common plumbing for conformance tests: unique names, a worker running for the span of one
/// test body, polling for an eventually-true condition, and history helpers. Everything goes
/// through the real Temporalio client and worker.
/// </summary>
public abstract class ConformanceTest(ServerFixture fx)
{
    /// <summary>Generous: the machine is shared, and a result only has to arrive, not arrive fast.</summary>
    protected static readonly TimeSpan ResultTimeout = TimeSpan.FromSeconds(60);

    protected ServerFixture Fx => fx;
    protected TemporalClient Client => fx.Client;

    protected static string Id(string prefix) => ServerFixture.Unique(prefix);

    /// <summary>Runs <paramref name="body"/> while a worker with the given options polls, then shuts it down.</summary>
    protected async Task<T> WithWorkerAsync<T>(TemporalWorkerOptions options, Func<Task<T>> body)
    {
        using var worker = new TemporalWorker(Client, options);
        return await worker.ExecuteAsync(() => body().WaitAsync(ResultTimeout));
    }

    protected async Task WithWorkerAsync(TemporalWorkerOptions options, Func<Task> body) =>
        await WithWorkerAsync(options, async () => { await body(); return true; });

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds; fails with the last value seen.</summary>
    protected static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? ResultTimeout);
        T last;
        while (true)
        {
            last = await probe();
            if (done(last)) return last;
            if (DateTime.UtcNow > until) break;
            await Task.Delay(100);
        }
        Assert.Fail($"Timed out waiting for {what}; last value: {last}");
        return last;
    }

    protected static async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(WorkflowHandle handle) =>
        (await handle.FetchHistoryAsync()).Events.ToList();

    /// <summary>The raw DescribeWorkflowExecution answer (pending activities, first run id, ...).</summary>
    protected Task<DescribeWorkflowExecutionResponse> DescribeRawAsync(string workflowId, string? runId = null) =>
        Client.Connection.WorkflowService.DescribeWorkflowExecutionAsync(new DescribeWorkflowExecutionRequest
        {
            Namespace = fx.Namespace,
            Execution = new() { WorkflowId = workflowId, RunId = runId ?? "" },
        });

    protected static List<EventType> EventTypes(IEnumerable<HistoryEvent> events) =>
        events.Select(e => e.EventType).ToList();
}
