using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Observability;

/// <summary><c>kubiya execution stats</c> over real executions of a worker process.</summary>
[Collection(ObservabilityCollection.Name)]
[Trait("Category", "Observability")]
public sealed class ExecutionStatsTests(ObservabilityFixture fx)
{
    [Fact]
    public async Task StatsCountTheQueuesExecutionsOnTheServerAndGroupThem()
    {
        var queue = CliFixture.Unique("stats");
        using var w = await ObservabilityFixture.StartWorkerAsync(fx.WorkerEnv("host-stats"), queue);
        for (var i = 0; i < 2; i++) (await fx.Env.RunAsync("exec", "agent", "shell", "echo ok", "--queue", queue, "-o", "json")).Exit(0);
        (await fx.Env.RunAsync("exec", "agent", "shell", "exit 5", "--queue", queue, "-o", "json")).Exit(1);
        (await fx.Env.RunAsync("exec", "agent", "first", "run it", "--queue", queue, "-o", "json")).Exit(0);

        var all = (await fx.Env.RunAsync("execution", "stats", "--queue", queue, "--since", "1h", "-o", "json")).Exit(0).Json;
        Assert.Equal(4, all.GetProperty("total").GetInt64());
        Assert.Equal(3, all.GetProperty("completed").GetInt64());
        Assert.Equal(1, all.GetProperty("failed").GetInt64());
        Assert.Equal(75.0, all.GetProperty("successRate").GetDouble());
        Assert.True(all.GetProperty("serverCounted").GetBoolean());
        Assert.True(all.GetProperty("durationMaxSeconds").GetDouble() >= all.GetProperty("durationMinSeconds").GetDouble());
        Assert.True(all.GetProperty("queueWaitP95Seconds").GetDouble() >= 0);
        Assert.True(all.GetProperty("slots").GetInt32() >= 1);
        Assert.True(all.GetProperty("throughputPerHour").GetDouble() >= 4);

        var byAgent = (await fx.Env.RunAsync("execution", "stats", "--queue", queue, "--by", "agent", "-o", "json")).Exit(0).Json.EnumerateArray().ToList();
        Assert.Equal(new[] { ("shell", 3L), ("first", 1L) }, byAgent.Select(r => (r.GetProperty("key").GetString()!, r.GetProperty("total").GetInt64())));
        var text = (await fx.Env.RunAsync("execution", "stats", "--queue", queue, "--by", "status")).Exit(0).Stdout;
        Assert.Contains("Completed", text);
        Assert.Contains("SUCCESS", text);
        w.Signal("TERM");
        (await w.WaitForExitAsync()).Exit(0);
    }

    [Fact]
    public async Task ABadWindowOrGroupingIsOneReadableLine()
    {
        var r = (await fx.Env.RunAsync("execution", "stats", "--since", "yesterday")).Exit(2);
        Assert.Contains("24h", r.Stderr);
        Assert.DoesNotContain("Exception", r.Stderr);
        Assert.NotEqual(0, (await fx.Env.RunAsync("execution", "stats", "--by", "colour")).ExitCode);
    }
}
