using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Observability;

/// <summary>The liveness file is rewritten each heartbeat, the readiness file exists while the worker polls; both go when it stops.</summary>
[Collection(ObservabilityCollection.Name)]
[Trait("Category", "Observability")]
public sealed class ProbeFileTests(ObservabilityFixture fx)
{
    [Fact]
    public async Task ProbeFilesAppearWhileTheWorkerRunsAndDisappearWhenItStops()
    {
        var dir = Path.Combine(fx.Home, "probes-" + Guid.NewGuid().ToString("N")[..6]);
        var alive = Path.Combine(dir, "alive");
        var ready = Path.Combine(dir, "ready");
        var env = fx.WorkerEnv("host-probe").With("WORKER_ALIVE_FILE", alive).With("WORKER_READY_FILE", ready);
        Assert.False(File.Exists(alive));
        using var w = await ObservabilityFixture.StartWorkerAsync(env, CliFixture.Unique("probe"));
        await ObservabilityFixture.EventuallyAsync(() => Task.FromResult(File.Exists(ready) && File.Exists(alive)), "probe files", TimeSpan.FromSeconds(20));
        var firstBeat = DateTimeOffset.Parse(File.ReadAllText(alive).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        // Refreshed by the next heartbeats.
        await ObservabilityFixture.EventuallyAsync(() => Task.FromResult(
            DateTimeOffset.Parse(File.ReadAllText(alive).Trim(), System.Globalization.CultureInfo.InvariantCulture) > firstBeat), "a newer liveness time", TimeSpan.FromSeconds(20));
        Assert.Equal("ready", File.ReadAllText(ready).Trim());
        w.Signal("TERM");
        (await w.WaitForExitAsync()).Exit(0);
        Assert.False(File.Exists(ready), "readiness file left after stop");
        Assert.False(File.Exists(alive), "liveness file left after stop");
    }

    [Fact]
    public async Task AKilledWorkerLeavesAStaleLivenessFileThatStopsBeingRefreshed()
    {
        var dir = Path.Combine(fx.Home, "probes-" + Guid.NewGuid().ToString("N")[..6]);
        var alive = Path.Combine(dir, "alive");
        var env = fx.WorkerEnv("host-kill").With("WORKER_ALIVE_FILE", alive);
        using var w = await ObservabilityFixture.StartWorkerAsync(env, CliFixture.Unique("probe"));
        await ObservabilityFixture.EventuallyAsync(() => Task.FromResult(File.Exists(alive)), "liveness file", TimeSpan.FromSeconds(20));
        w.Signal("KILL");
        await w.WaitForExitAsync();
        var last = File.GetLastWriteTimeUtc(alive);
        await Task.Delay(2500);
        // What a liveness probe (find -mmin / age check) sees: no refresh after the kill.
        Assert.Equal(last, File.GetLastWriteTimeUtc(alive));
    }

    [Fact]
    public async Task ARelativeProbePathIsRefusedNamingTheSetting()
    {
        var r = (await fx.Env.With("WORKER_READY_FILE", "relative/ready").RunAsync("worker", "start", "--queue-id", CliFixture.Unique("probe"))).Exit(2);
        Assert.Contains("WORKER_READY_FILE", r.Stderr);
        Assert.Contains("absolute", r.Stderr);
    }
}
