using Kubiya.Tests.Infrastructure;
using Temporalio.Client;
using Temporalio.Client.Schedules;
using Temporalio.Common;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Bench;

/// <summary>
/// Schedules at scale: N schedules firing every minute (interval 60 s), observed through two fire
/// times. Prints fire-time lateness p50/p99, expected vs observed fires, and the server's CPU while
/// idle between fires. N comes from KUBIYA_BENCH_SCHEDULES (default 1000).
/// </summary>
public static class ScheduleBench
{
    [Workflow("BenchScheduledNoop")]
    public sealed class NoopWorkflow
    {
        [WorkflowRun]
        public Task RunAsync() => Task.CompletedTask;
    }

    private static readonly SearchAttributeKey<DateTimeOffset> ScheduledStart =
        SearchAttributeKey.CreateDateTimeOffset("TemporalScheduledStartTime");

    public static async Task RunAsync()
    {
        var n = int.TryParse(Environment.GetEnvironmentVariable("KUBIYA_BENCH_SCHEDULES"), out var v) && v > 0 ? v : 1000;
        await using var server = new ServerProcess();
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var pid = ProcessCpu.FindServerPid(server.DbPath);
        var queue = "bench-sched-" + Guid.NewGuid().ToString("N");
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue) { MaxConcurrentWorkflowTasks = 100 }
            .AddWorkflow<NoopWorkflow>());
        using var stop = new CancellationTokenSource();
        var run = worker.ExecuteAsync(stop.Token);

        var createWatch = System.Diagnostics.Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                await client.CreateScheduleAsync($"bench-sched-{i}", new Schedule(
                    Action: ScheduleActionStartWorkflow.Create((NoopWorkflow wf) => wf.RunAsync(), new($"bench-sched-wf-{i}", queue)),
                    Spec: new ScheduleSpec { Intervals = new List<ScheduleIntervalSpec> { new(Every: TimeSpan.FromMinutes(1)) } }));
            }
        }));
        createWatch.Stop();
        Console.WriteLine($"created {n} schedules (interval 60 s) in {createWatch.Elapsed.TotalSeconds:F1}s");

        // The two fire times observed: the first whole minutes at least 3 s after the last schedule exists.
        var created = DateTimeOffset.UtcNow.AddSeconds(3);
        var first = new DateTimeOffset(created.Year, created.Month, created.Day, created.Hour, created.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        var second = first.AddMinutes(1);

        // Idle window: well after the first fire's starts have settled, well before the second.
        await DelayUntil(first.AddSeconds(25));
        var idleSeconds = 20.0;
        var cpuBefore = ProcessCpu.CpuMs(pid);
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
        var cpuAfter = ProcessCpu.CpuMs(pid);

        await DelayUntil(second.AddSeconds(15));
        var lateness = new List<double>();
        var observed = 0;
        await foreach (var wf in client.ListWorkflowsAsync($"TaskQueue = '{queue}'"))
        {
            if (!wf.TypedSearchAttributes.TryGetValue(ScheduledStart, out var nominal)) continue;
            if (nominal != first && nominal != second) continue;
            observed++;
            lateness.Add((new DateTimeOffset(wf.StartTime, TimeSpan.Zero) - nominal).TotalMilliseconds);
        }
        lateness.Sort();
        double P(double q) => lateness.Count == 0 ? double.NaN : lateness[Math.Min(lateness.Count - 1, (int)(q * lateness.Count))];
        Console.WriteLine($"fires at {first:HH:mm:ss} and {second:HH:mm:ss} UTC: expected {2 * n}, observed {observed}");
        Console.WriteLine("lateness = workflow StartTime - its TemporalScheduledStartTime search attribute: " +
                          $"p50 {P(0.50):F0} ms, p99 {P(0.99):F0} ms, max {P(1.0):F0} ms");
        Console.WriteLine($"server CPU while idle between fires ({idleSeconds:F0} s window from fire+25 s): " +
                          $"{cpuAfter - cpuBefore:F0} ms total = {(cpuAfter - cpuBefore) / idleSeconds:F1} CPU ms per idle second");

        stop.Cancel();
        try { await run; } catch (OperationCanceledException) { }
    }

    private static async Task DelayUntil(DateTimeOffset when)
    {
        var wait = when - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
    }
}
