using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Logging;
using Kubiya.Core.Workers;
using Microsoft.Extensions.Logging;

namespace Kubiya.Core.Tests.Observability;

/// <summary>
/// Kubiya's ~/.kubiya/worker-config.yaml carries over: read beneath config.yaml, the environment and
/// parameters, with ${VAR} references, keys that mean nothing here collected into one notice, and
/// bad values refused with the file, line and key.
/// </summary>
[Trait("Category", "Observability")]
public sealed class WorkerConfigFileTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), "kubiya-wcfg-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<string, string> env = new();

    // The shape of the Kubiya worker guide's example file.
    private const string GuideFile = """
        queue_id: production-queue
        deployment_type: local
        daemon_mode: false
        control_plane:
          url: https://control-plane.kubiya.ai
          api_key: ${KUBIYA_API_KEY}
        temporal:
          host: ${TEMPORAL_HOST}
          namespace: kubiya-production
          task_queue: production-queue
        logging:
          level: WARNING
          file: ~/.kubiya/workers/production-queue/logs/worker.log
          max_size_bytes: 10485760
          max_backups: 3
        resources:
          max_concurrent_activities: 4
          activity_timeout: "300s"
        """;

    private KubiyaPaths Paths
    {
        get
        {
            Directory.CreateDirectory(home);
            return new KubiyaPaths(home);
        }
    }

    private void Write(string file, string yaml) { Directory.CreateDirectory(home); File.WriteAllText(Path.Combine(home, file), yaml.Replace("\r\n", "\n")); }

    private KubiyaSettings Load(SettingsOverrides? overrides = null) => SettingsLoader.Load(Paths, n => env.TryGetValue(n, out var v) ? v : null, overrides);

    [Fact]
    public void TheGuidesFileSetsQueueServerNamespaceLoggingAndResources()
    {
        Write("worker-config.yaml", GuideFile);
        env["TEMPORAL_HOST"] = "temporal.example.com:7233";
        var s = Load();
        Assert.Equal("production-queue", s.Queue);
        Assert.Equal("temporal.example.com:7233", s.TemporalAddress);
        Assert.Equal("kubiya-production", s.Namespace);
        Assert.Equal(LogLevel.Warning, KubiyaLogging.MinimumLevel(s));
        Assert.Equal(10485760, s.LogMaxBytes);
        Assert.Equal(3, s.LogMaxBackups);
        Assert.Equal(4, s.MaxConcurrentActivities);
        Assert.Equal(TimeSpan.FromSeconds(300), s.ActivityTimeout);
        Assert.Equal("local", s.DeploymentType);
        Assert.False(s.DaemonMode);
    }

    [Fact]
    public void KeysThatMeanNothingHereAreOneNoticeAndTheirReferencesAreNotNeeded()
    {
        Write("worker-config.yaml", GuideFile);
        env["TEMPORAL_HOST"] = "127.0.0.1:7233";
        // KUBIYA_API_KEY is unset: the ignored control_plane.api_key does not need it.
        var notice = Assert.Single(Load().Notices);
        Assert.Contains("worker-config.yaml", notice);
        Assert.Contains("control_plane, logging.file mean nothing here", notice);
        Assert.Contains("ignored", notice);
        Assert.DoesNotContain("\n", notice);
        Assert.Empty(Load().Notices.Where(n => n.Contains("queue_id")));

        var shown = new List<string>();
        SettingsNotices.Show(Load(), shown.Add);
        SettingsNotices.Show(Load(), shown.Add);
        Assert.Single(shown);
    }

    [Fact]
    public void ConfigYamlTheEnvironmentAndParametersWinOverTheWorkerConfig()
    {
        Write("worker-config.yaml", "queue_id: from-worker-config\ntemporal:\n  namespace: wc-ns\n  host: wc-host:7233\nlogging:\n  level: ERROR\nresources:\n  max_concurrent_activities: 2\n  activity_timeout: 5m\n");
        Write("config.yaml", "queue: from-config\nlogLevel: Debug\n");
        env["KUBIYA_TEMPORAL_NAMESPACE"] = "env-ns";
        var s = Load(new SettingsOverrides { MaxConcurrentActivities = 7 });
        Assert.Equal("from-config", s.Queue);
        Assert.Equal("env-ns", s.Namespace);
        Assert.Equal("wc-host:7233", s.TemporalAddress);
        Assert.Equal("Debug", s.LogLevel);
        Assert.Equal(7, s.MaxConcurrentActivities);
        Assert.Equal(TimeSpan.FromMinutes(5), s.ActivityTimeout);

        var sources = SettingSource.Describe(Paths, n => env.TryGetValue(n, out var v) ? v : null, new SettingsOverrides { MaxConcurrentActivities = 7 })
            .ToDictionary(x => x.Name, x => x.Source);
        Assert.Equal(SettingSource.WorkerConfigSource, sources["temporal.address"]);
        Assert.Equal(SettingSource.WorkerConfigSource, sources["activityTimeout"]);
        Assert.Equal("file", sources["queue"]);
        Assert.Equal("file", sources["logLevel"]);
        Assert.Equal("environment", sources["temporal.namespace"]);
        Assert.Equal("parameter", sources["maxConcurrentActivities"]);
        Assert.Equal("default", sources["logMaxSizeBytes"]);
    }

    [Fact]
    public void ReferencesExpandFromTheEnvironmentInEitherSyntaxWithDefaults()
    {
        Write("worker-config.yaml", "queue_id: ${QUEUE_NAME}\ntemporal:\n  host: ${env:T_HOST}\n  namespace: ${T_NS:-fallback-ns}\n");
        env["QUEUE_NAME"] = "q-from-env";
        env["T_HOST"] = "10.0.0.5:7233";
        var s = Load();
        Assert.Equal("q-from-env", s.Queue);
        Assert.Equal("10.0.0.5:7233", s.TemporalAddress);
        Assert.Equal("fallback-ns", s.Namespace);
    }

    [Theory]
    [InlineData("temporal:\n  host: ${NOT_SET_ANYWHERE}\n", "2:9: temporal.host", "NOT_SET_ANYWHERE")]
    [InlineData("temporal:\n  host: https://temporal.example.com\n", "temporal.host", "host:port")]
    [InlineData("logging:\n  level: LOUD\n", "logging.level", "LOUD")]
    [InlineData("logging:\n  max_size_bytes: 10\n", "logging.max_size_bytes", "at least 1024")]
    [InlineData("logging:\n  max_backups: -1\n", "logging.max_backups", "0–1000")]
    [InlineData("logging:\n  max_size_bytes: big\n", "logging.max_size_bytes", "whole number")]
    [InlineData("resources:\n  max_concurrent_activities: 0\n", "resources.max_concurrent_activities", "1–100000")]
    [InlineData("resources:\n  activity_timeout: soon\n", "resources.activity_timeout", "300s")]
    [InlineData("resources:\n  activity_timeout: -5s\n", "resources.activity_timeout", "positive")]
    [InlineData("deployment_type: serverless\n", "deployment_type", "local, daemon, docker, kubernetes")]
    [InlineData("daemon_mode: maybe\n", "daemon_mode", "true or false")]
    [InlineData("queue_id: a/b\n", "queue_id", "not valid")]
    [InlineData("queue_id: a\ntemporal:\n  task_queue: b\n", "temporal.task_queue", "differs from queue_id")]
    [InlineData("temporal: localhost:7233\n", "1:11: temporal", "mapping")]
    [InlineData("heartbeat_interval: 5\n", "heartbeat_interval", "15")]
    [InlineData("queue_id: [a\n", "worker-config.yaml:", "")]
    public void ABadValueNamesTheFileLineAndKey(string yaml, string where, string why)
    {
        Write("worker-config.yaml", yaml);
        var ex = Assert.Throws<KubiyaException>(() => Load());
        Assert.Equal("InvalidConfiguration", ex.ErrorId);
        Assert.Contains(Path.Combine(home, "worker-config.yaml"), ex.Message);
        Assert.Contains(where, ex.Message);
        Assert.Contains(why, ex.Message);
        Assert.DoesNotContain("Exception", ex.Message);
        Assert.DoesNotContain("YamlDotNet", ex.Message);
    }

    [Fact]
    public void AnEmptyFileOrEmptyKeysChangeNothing()
    {
        Write("worker-config.yaml", "");
        Assert.Equal(new KubiyaSettings { Paths = Paths }.MaxConcurrentActivities, Load().MaxConcurrentActivities);
        Write("worker-config.yaml", "queue_id:\ntemporal:\nlogging:\n  level: ~\n");
        var s = Load();
        Assert.Null(s.Queue);
        Assert.Equal("Information", s.LogLevel);
        Assert.Empty(s.Notices);
    }

    [Fact]
    public void TaskQueueAloneIsTheQueueAndDurationsTakeUnits()
    {
        Write("worker-config.yaml", "temporal:\n  task_queue: tq-only\nresources:\n  activity_timeout: 1.5h\nheartbeat_interval: 20s\n");
        var s = Load();
        Assert.Equal("tq-only", s.Queue);
        Assert.Equal(TimeSpan.FromMinutes(90), s.ActivityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), s.WorkerHeartbeatInterval);
    }

    [Theory]
    [InlineData("deployment_type: docker\n", null, null, WorkerStartMode.Docker)]
    [InlineData("deployment_type: daemon\n", null, null, WorkerStartMode.Daemon)]
    [InlineData("daemon_mode: true\n", null, null, WorkerStartMode.Daemon)]
    [InlineData("daemon_mode: true\n", null, false, WorkerStartMode.Foreground)]
    [InlineData("deployment_type: docker\n", "local", null, WorkerStartMode.Foreground)]
    [InlineData("", null, null, WorkerStartMode.Foreground)]
    [InlineData("", null, true, WorkerStartMode.Daemon)]
    public void DeploymentTypeAndDaemonModeAreWorkerStartsDefaults(string yaml, string? type, bool? daemon, WorkerStartMode expected)
    {
        Write("worker-config.yaml", yaml);
        Assert.Equal(expected, WorkerStartModes.From(type, daemon, Load()));
    }

    [Fact]
    public void KubernetesDeploymentPointsAtTheManifests()
    {
        Write("worker-config.yaml", "deployment_type: kubernetes\n");
        var ex = Assert.Throws<KubiyaException>(() => WorkerStartModes.From(null, null, Load()));
        Assert.Contains("kubiya worker install", ex.Message);
    }

    [Theory]
    [InlineData("INFO", LogLevel.Information)]
    [InlineData("warning", LogLevel.Warning)]
    [InlineData("CRITICAL", LogLevel.Critical)]
    [InlineData("Debug", LogLevel.Debug)]
    public void LogLevelNamesOfTheDocsAreUnderstoodFromLogLevelToo(string name, LogLevel level)
    {
        env["LOG_LEVEL"] = name;
        Assert.Equal(level, KubiyaLogging.MinimumLevel(Load()));
    }

    public void Dispose()
    {
        try { Directory.Delete(home, true); } catch (IOException) { }
    }
}
