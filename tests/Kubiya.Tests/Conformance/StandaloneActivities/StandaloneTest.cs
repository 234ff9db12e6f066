using Kubiya.Tests.Infrastructure;
using Temporalio.Client;
using Temporalio.Worker;

namespace Kubiya.Tests.Conformance.StandaloneActivities;

/// <summary>Shared plumbing of standalone activity tests: options, a worker for the jobs, raw describe.</summary>
public abstract class StandaloneTest(ServerFixture fx) : ConformanceTest(fx)
{
    protected static StartActivityOptions Options(string id, string queue, TimeSpan? startToClose = null) =>
        new(id, queue) { StartToCloseTimeout = startToClose ?? TimeSpan.FromSeconds(30) };

    protected static string Queue() => Id("sa-queue");

    protected Task WithJobsAsync(string queue, StandaloneJobs jobs, Func<Task> body) =>
        WithWorkerAsync(new TemporalWorkerOptions(queue).AddAllActivities(jobs), body);

    protected Task<T> WithJobsAsync<T>(string queue, StandaloneJobs jobs, Func<Task<T>> body) =>
        WithWorkerAsync(new TemporalWorkerOptions(queue).AddAllActivities(jobs), body);

    protected static Task<ActivityExecutionDescription> DescribeAsync(ActivityHandle handle) =>
        handle.DescribeAsync(new ActivityDescribeOptions { IncludeInput = true, IncludeOutcome = true });

    /// <summary>Waits until describe shows <paramref name="done"/>.</summary>
    protected static Task<ActivityExecutionDescription> DescribeUntilAsync(ActivityHandle handle, Func<ActivityExecutionDescription, bool> done, string what) =>
        EventuallyAsync(() => DescribeAsync(handle), done, what);
}
