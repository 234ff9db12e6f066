using System;
using System.Collections.Generic;
using System.Globalization;

namespace Kubiya.Core.Configuration
{
    /// <summary>One effective setting and where its value came from (for the web UI's Environment page).</summary>
    public sealed class SettingSource
    {
        /// <summary>The setting's key in <c>config.yaml</c> (e.g. <c>temporal.address</c>).</summary>
        public string Name { get; set; } = "";
        /// <summary>The environment variable that sets it, if any.</summary>
        public string? Variable { get; set; }
        /// <summary>The effective value as text; secrets are masked.</summary>
        public string? Value { get; set; }
        /// <summary><c>default</c>, <c>worker-config</c> (Kubiya's <c>worker-config.yaml</c>), <c>file</c> (<c>config.yaml</c>), <c>environment</c> or <c>parameter</c>.</summary>
        public string Source { get; set; } = "default";
        /// <summary>True when the value is a secret (shown masked).</summary>
        public bool Secret { get; set; }

        /// <summary>
        /// Every setting with its source: the loader's own layers (defaults, file, environment,
        /// parameters) are applied one by one and the last layer that changed a value wins.
        /// </summary>
        public static IReadOnlyList<SettingSource> Describe(KubiyaPaths paths, Func<string, string?> env, SettingsOverrides? overrides = null)
        {
            var defaults = new KubiyaSettings { Paths = paths };
            var workerConfig = SettingsLoader.ApplyWorkerConfig(defaults, env);
            var file = SettingsLoader.ApplyFile(workerConfig, SettingsLoader.ReadFile(paths.ConfigFile));
            var environment = SettingsLoader.ApplyObservability(SettingsLoader.ApplyEnvironment(file, env), env);
            var effective = overrides == null ? environment : SettingsLoader.ApplyOverrides(environment, overrides);
            var result = new List<SettingSource>();
            foreach (var (name, variable, read, secret) in Table)
            {
                var value = read(effective);
                var source = value != read(environment) ? "parameter"
                    : value != read(file) ? "environment"
                    : value != read(workerConfig) ? "file"
                    : value != read(defaults) ? WorkerConfigSource
                    : "default";
                result.Add(new SettingSource
                {
                    Name = name,
                    Variable = variable,
                    Value = secret && value != null ? Masked : value,
                    Source = source,
                    Secret = secret,
                });
            }
            result.Add(new SettingSource { Name = "home", Variable = "KUBIYA_HOME", Value = paths.Home, Source = string.IsNullOrEmpty(env("KUBIYA_HOME")) ? "default" : "environment" });
            return result;
        }

        /// <summary>The source of a value read from Kubiya's <c>worker-config.yaml</c>.</summary>
        public const string WorkerConfigSource = "worker-config";

        /// <summary>What a set secret is shown as.</summary>
        public const string Masked = "********";

        private static string? S(TimeSpan t) => t.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";
        private static string? S(bool b) => b ? "true" : "false";
        private static string? S(int n) => n.ToString(CultureInfo.InvariantCulture);

        private static readonly (string Name, string? Variable, Func<KubiyaSettings, string?> Read, bool Secret)[] Table =
        {
            ("temporal.address", "KUBIYA_TEMPORAL_ADDRESS", s => s.TemporalAddress, false),
            ("temporal.namespace", "KUBIYA_TEMPORAL_NAMESPACE", s => s.Namespace, false),
            ("temporal.apiKey", "KUBIYA_API_KEY", s => s.ApiKey, true),
            ("temporal.tls", "KUBIYA_TEMPORAL_TLS", s => S(s.Tls), false),
            ("temporal.tlsCert", null, s => s.TlsCertPath, false),
            ("temporal.tlsKey", null, s => s.TlsKeyPath, false),
            ("temporal.tlsCa", null, s => s.TlsCaPath, false),
            ("queue", "QUEUE_ID", s => s.Queue, false),
            ("heartbeatInterval", "HEARTBEAT_INTERVAL", s => S(s.WorkerHeartbeatInterval), false),
            ("stepHeartbeatInterval", "STEP_HEARTBEAT_INTERVAL", s => S(s.StepHeartbeatInterval), false),
            ("metrics.enabled", "METRICS_ENABLED", s => S(s.Observability.MetricsEnabled), false),
            ("metrics.port", "METRICS_PORT", s => S(s.Observability.MetricsPort), false),
            ("metrics.bind", "METRICS_BIND", s => s.Observability.MetricsBind, false),
            ("activityTimeout", "ACTIVITY_TIMEOUT", s => S(s.ActivityTimeout), false),
            ("maxConcurrentActivities", "MAX_CONCURRENT_ACTIVITIES", s => S(s.MaxConcurrentActivities), false),
            ("maxConcurrentWorkflows", "MAX_CONCURRENT_WORKFLOWS", s => S(s.MaxConcurrentWorkflows), false),
            ("workerHostname", "WORKER_HOSTNAME", s => s.WorkerHostname, false),
            ("environment", "ENVIRONMENT_NAME", s => s.Environment, false),
            ("model", "KUBIYA_MODEL", s => s.Model, false),
            ("llmContinueAsNewTurns", "KUBIYA_LLM_CONTINUE_AS_NEW_TURNS", s => S(s.LlmContinueAsNewTurns), false),
            ("logLevel", "LOG_LEVEL", s => s.LogLevel, false),
            ("logMaxSizeBytes", null, s => s.LogMaxBytes.ToString(CultureInfo.InvariantCulture), false),
            ("logMaxBackups", null, s => S(s.LogMaxBackups), false),
            ("deploymentType", null, s => s.DeploymentType, false),
            ("daemonMode", null, s => S(s.DaemonMode), false),
            ("debug", "KUBIYA_DEBUG", s => S(s.Debug), false),
            ("nonInteractive", "KUBIYA_NON_INTERACTIVE", s => S(s.NonInteractive), false),
            ("localRunGrace", "KUBIYA_LOCAL_RUN_GRACE", s => S(s.LocalRunGrace), false),
            ("server.port", "KUBIYA_SERVER_PORT", s => S(s.EmbeddedServerPort), false),
            ("server.path", null, s => s.EmbeddedServerPath, false),
        };
    }
}
