using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Health;

namespace Kubiya.Core.Tests.Observability;

/// <summary>HEARTBEAT_INTERVAL is the worker health heartbeat (15–300 s); the step heartbeat and the metrics settings have their own names.</summary>
[Trait("Category", "Observability")]
public sealed class HealthSettingsTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), "kubiya-obs-settings-" + Guid.NewGuid().ToString("N")[..8]);

    private KubiyaSettings Load(params (string Name, string Value)[] env)
    {
        Directory.CreateDirectory(home);
        var map = env.ToDictionary(e => e.Name, e => e.Value);
        return SettingsLoader.Load(new KubiyaPaths(home), n => map.TryGetValue(n, out var v) ? v : null);
    }

    [Fact]
    public void DefaultsFollowTheDocs()
    {
        var s = Load();
        Assert.Equal(TimeSpan.FromSeconds(30), s.WorkerHeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), s.StepHeartbeatInterval);
        Assert.False(s.Observability.MetricsEnabled);
        Assert.Equal(9090, s.Observability.MetricsPort);
        Assert.Equal("127.0.0.1", s.Observability.MetricsBind);
        Assert.Null(s.Observability.AliveFile);
        Assert.Null(s.Observability.ReadyFile);
        Assert.Equal(TimeSpan.FromSeconds(30), HeartbeatIntervals.Effective(s));
    }

    [Theory]
    [InlineData("15")]
    [InlineData("300")]
    [InlineData("42.5")]
    public void HeartbeatIntervalsInsideTheRangeAreTaken(string value) =>
        Assert.Equal(TimeSpan.FromSeconds(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)), Load(("HEARTBEAT_INTERVAL", value)).WorkerHeartbeatInterval);

    [Theory]
    [InlineData("14.9")]
    [InlineData("1")]
    [InlineData("301")]
    [InlineData("0")]
    public void HeartbeatIntervalsOutsideTheRangeAreRefused(string value)
    {
        var ex = Assert.Throws<KubiyaException>(() => Load(("HEARTBEAT_INTERVAL", value)));
        Assert.Equal("InvalidSetting", ex.ErrorId);
        Assert.Contains("HEARTBEAT_INTERVAL", ex.Message);
        Assert.Contains("15", ex.Message);
    }

    [Fact]
    public void TheStepHeartbeatIsItsOwnSetting()
    {
        var s = Load(("STEP_HEARTBEAT_INTERVAL", "1"), ("HEARTBEAT_INTERVAL", "60"));
        Assert.Equal(TimeSpan.FromSeconds(1), s.StepHeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), s.WorkerHeartbeatInterval);
    }

    [Fact]
    public void TheTestOverrideShortensTheIntervalWithoutLooseningValidation()
    {
        var s = Load(("KUBIYA_TEST_HEARTBEAT_INTERVAL", "0.5"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), HeartbeatIntervals.Effective(s));
        Assert.Equal(TimeSpan.FromSeconds(30), s.WorkerHeartbeatInterval);
        Assert.Throws<KubiyaException>(() => Load(("KUBIYA_TEST_HEARTBEAT_INTERVAL", "0.5"), ("HEARTBEAT_INTERVAL", "2")));
    }

    [Fact]
    public void ConfigYamlHeartbeatIntervalIsValidatedToo()
    {
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "config.yaml"), "heartbeatInterval: 10\n");
        var ex = Assert.Throws<KubiyaException>(() => Load());
        Assert.Contains("heartbeatInterval", ex.Message);
        File.WriteAllText(Path.Combine(home, "config.yaml"), "heartbeatInterval: 20\nstepHeartbeatInterval: 2\n");
        var s = Load();
        Assert.Equal(TimeSpan.FromSeconds(20), s.WorkerHeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), s.StepHeartbeatInterval);
    }

    [Fact]
    public void MetricsAndProbeSettingsAreReadAndChecked()
    {
        var s = Load(("METRICS_ENABLED", "true"), ("METRICS_PORT", "9191"), ("METRICS_BIND", "0.0.0.0"), ("PROBE_FILES", "1"));
        Assert.True(s.Observability.MetricsEnabled);
        Assert.Equal(9191, s.Observability.MetricsPort);
        Assert.Equal("0.0.0.0", s.Observability.MetricsBind);
        Assert.Equal("/tmp/worker-alive", s.Observability.AliveFile);
        Assert.Equal("/tmp/worker-ready", s.Observability.ReadyFile);
        Assert.Contains("METRICS_PORT", Assert.Throws<KubiyaException>(() => Load(("METRICS_PORT", "70000"))).Message);
        Assert.Contains("METRICS_ENABLED", Assert.Throws<KubiyaException>(() => Load(("METRICS_ENABLED", "maybe"))).Message);
        Assert.Contains("WORKER_ALIVE_FILE", Assert.Throws<KubiyaException>(() => Load(("WORKER_ALIVE_FILE", "alive"))).Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(home, true); } catch (IOException) { }
    }
}
