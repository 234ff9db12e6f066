using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Kubiya.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Kubiya.Core.Configuration
{
    /// <summary>
    /// Builds <see cref="KubiyaSettings"/> from <c>config.yaml</c> &lt; environment variables &lt; parameters.
    /// </summary>
    public static partial class SettingsLoader
    {
        /// <summary>Loads the settings for the current process environment.</summary>
        public static KubiyaSettings Load(SettingsOverrides? overrides = null) =>
            Load(KubiyaPaths.FromEnvironment(), name => System.Environment.GetEnvironmentVariable(name), overrides);

        /// <summary>Loads the settings from an explicit home folder and environment.</summary>
        public static KubiyaSettings Load(KubiyaPaths paths, Func<string, string?> env, SettingsOverrides? overrides = null)
        {
            var s = new KubiyaSettings { Paths = paths };
            s = ApplyWorkerConfig(s, env);
            s = ApplyFile(s, ReadFile(paths.ConfigFile));
            s = ApplyEnvironment(s, env);
            s = ApplyObservability(s, env);
            return overrides == null ? s : ApplyOverrides(s, overrides);
        }

        internal static ConfigFile? ReadFile(string path)
        {
            if (!File.Exists(path)) return null;
            // It may hold an API key: keep it private to its owner.
            Security.OwnerOnly.File(path);
            var text = Yaml.YamlLimits.ReadFile(path, "InvalidConfiguration");
            Yaml.YamlLimits.Check(text, path, "InvalidConfiguration");
            var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
            try
            {
                return deserializer.Deserialize<ConfigFile>(text);
            }
            catch (YamlException ex)
            {
                throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, "InvalidConfiguration",
                    $"{path}:{ex.Start.Line}:{ex.Start.Column}: {YamlErrors.Describe(ex)}", path, ex);
            }
            catch (Exception ex) when (!(ex is KubiyaException))
            {
                throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, "InvalidConfiguration",
                    $"{path}:1:1: {YamlErrors.Describe(ex)}", path, ex);
            }
        }

        internal static KubiyaSettings ApplyFile(KubiyaSettings s, ConfigFile? f)
        {
            if (f == null) return s;
            var t = f.Temporal;
            return s with
            {
                TemporalAddress = NonEmpty(t?.Address) ?? s.TemporalAddress,
                Namespace = NonEmpty(t?.Namespace) ?? s.Namespace,
                ApiKey = NonEmpty(t?.ApiKey) ?? NonEmpty(f.ApiKey) ?? s.ApiKey,
                Tls = t?.Tls ?? s.Tls,
                TlsCertPath = NonEmpty(t?.TlsCert) ?? s.TlsCertPath,
                TlsKeyPath = NonEmpty(t?.TlsKey) ?? s.TlsKeyPath,
                TlsCaPath = NonEmpty(t?.TlsCa) ?? s.TlsCaPath,
                Queue = NonEmpty(f.Queue) ?? s.Queue,
                WorkerHeartbeatInterval = f.HeartbeatInterval is { } hb ? HealthInterval(hb, "heartbeatInterval") : s.WorkerHeartbeatInterval,
                StepHeartbeatInterval = f.StepHeartbeatInterval is { } shb ? Seconds(shb, "stepHeartbeatInterval") : s.StepHeartbeatInterval,
                ActivityTimeout = f.ActivityTimeout is { } at ? Seconds(at, "activityTimeout") : s.ActivityTimeout,
                MaxConcurrentActivities = Positive(f.MaxConcurrentActivities, "maxConcurrentActivities") ?? s.MaxConcurrentActivities,
                MaxConcurrentWorkflows = Positive(f.MaxConcurrentWorkflows, "maxConcurrentWorkflows") ?? s.MaxConcurrentWorkflows,
                WorkerHostname = NonEmpty(f.WorkerHostname) ?? s.WorkerHostname,
                Environment = NonEmpty(f.Environment) ?? s.Environment,
                Model = NonEmpty(f.Model) ?? s.Model,
                LlmContinueAsNewTurns = Positive(f.LlmContinueAsNewTurns, "llmContinueAsNewTurns") ?? s.LlmContinueAsNewTurns,
                LogLevel = NonEmpty(f.LogLevel) ?? s.LogLevel,
                LogMaxBytes = f.LogMaxSizeBytes is { } lmb ? (lmb >= Workers.DaemonOptions.MinLogBytes ? lmb : throw Invalid("logMaxSizeBytes", $"{lmb} must be at least {Workers.DaemonOptions.MinLogBytes}")) : s.LogMaxBytes,
                LogMaxBackups = f.LogMaxBackups is { } lbk ? (lbk >= 0 && lbk <= 1000 ? lbk : throw Invalid("logMaxBackups", $"{lbk} is outside 0–1000")) : s.LogMaxBackups,
                DeploymentType = NonEmpty(f.DeploymentType) is { } dt ? (WorkerConfig.WorkerConfigFile.DeploymentTypes.Contains(dt.ToLowerInvariant()) ? dt.ToLowerInvariant() : throw Invalid("deploymentType", $"'{dt}' is not one of {string.Join(", ", WorkerConfig.WorkerConfigFile.DeploymentTypes)}")) : s.DeploymentType,
                DaemonMode = f.DaemonMode ?? s.DaemonMode,
                Debug = f.Debug ?? s.Debug,
                NonInteractive = f.NonInteractive ?? s.NonInteractive,
                EmbeddedServerPort = f.Server?.Port ?? s.EmbeddedServerPort,
                EmbeddedServerPath = NonEmpty(f.Server?.Path) ?? s.EmbeddedServerPath,
            };
        }

        internal static KubiyaSettings ApplyEnvironment(KubiyaSettings s, Func<string, string?> env)
        {
            string? E(string name) => NonEmpty(env(name));
            return s with
            {
                TemporalAddress = E("KUBIYA_TEMPORAL_ADDRESS") ?? s.TemporalAddress,
                Namespace = E("KUBIYA_TEMPORAL_NAMESPACE") ?? s.Namespace,
                ApiKey = E("KUBIYA_API_KEY") ?? s.ApiKey,
                Tls = E("KUBIYA_TEMPORAL_TLS") is { } tls ? Bool(tls, "KUBIYA_TEMPORAL_TLS") : s.Tls,
                Queue = E("QUEUE_ID") ?? s.Queue,
                WorkerHeartbeatInterval = E("HEARTBEAT_INTERVAL") is { } hb ? HealthInterval(Number(hb, "HEARTBEAT_INTERVAL"), "HEARTBEAT_INTERVAL") : s.WorkerHeartbeatInterval,
                StepHeartbeatInterval = E("STEP_HEARTBEAT_INTERVAL") is { } shb ? Seconds(Number(shb, "STEP_HEARTBEAT_INTERVAL"), "STEP_HEARTBEAT_INTERVAL") : s.StepHeartbeatInterval,
                ActivityTimeout = E("ACTIVITY_TIMEOUT") is { } at ? Seconds(Number(at, "ACTIVITY_TIMEOUT"), "ACTIVITY_TIMEOUT") : s.ActivityTimeout,
                MaxConcurrentActivities = E("MAX_CONCURRENT_ACTIVITIES") is { } mca ? (int)Positive((int)Number(mca, "MAX_CONCURRENT_ACTIVITIES"), "MAX_CONCURRENT_ACTIVITIES")! : s.MaxConcurrentActivities,
                MaxConcurrentWorkflows = E("MAX_CONCURRENT_WORKFLOWS") is { } mcw ? (int)Positive((int)Number(mcw, "MAX_CONCURRENT_WORKFLOWS"), "MAX_CONCURRENT_WORKFLOWS")! : s.MaxConcurrentWorkflows,
                WorkerHostname = E("WORKER_HOSTNAME") ?? s.WorkerHostname,
                Environment = E("ENVIRONMENT_NAME") ?? s.Environment,
                Model = E("KUBIYA_MODEL") ?? s.Model,
                LlmContinueAsNewTurns = E("KUBIYA_LLM_CONTINUE_AS_NEW_TURNS") is { } can ? (int)Positive((int)Number(can, "KUBIYA_LLM_CONTINUE_AS_NEW_TURNS"), "KUBIYA_LLM_CONTINUE_AS_NEW_TURNS")! : s.LlmContinueAsNewTurns,
                LogLevel = E("LOG_LEVEL") ?? s.LogLevel,
                Debug = E("KUBIYA_DEBUG") is { } dbg ? Bool(dbg, "KUBIYA_DEBUG") : s.Debug,
                NonInteractive = E("KUBIYA_NON_INTERACTIVE") is { } ni ? Bool(ni, "KUBIYA_NON_INTERACTIVE") : s.NonInteractive,
                LocalRunGrace = E("KUBIYA_LOCAL_RUN_GRACE") is { } grace ? Seconds(Number(grace, "KUBIYA_LOCAL_RUN_GRACE"), "KUBIYA_LOCAL_RUN_GRACE") : s.LocalRunGrace,
                EmbeddedServerPort = E("KUBIYA_SERVER_PORT") is { } port ? (int)Number(port, "KUBIYA_SERVER_PORT") : s.EmbeddedServerPort,
            };
        }

        internal static KubiyaSettings ApplyOverrides(KubiyaSettings s, SettingsOverrides o) => s with
        {
            TemporalAddress = NonEmpty(o.TemporalAddress) ?? s.TemporalAddress,
            Namespace = NonEmpty(o.Namespace) ?? s.Namespace,
            Queue = NonEmpty(o.Queue) ?? s.Queue,
            MaxConcurrentActivities = Positive(o.MaxConcurrentActivities, "MaxConcurrentActivities") ?? s.MaxConcurrentActivities,
            MaxConcurrentWorkflows = Positive(o.MaxConcurrentWorkflows, "MaxConcurrentWorkflows") ?? s.MaxConcurrentWorkflows,
            Environment = NonEmpty(o.Environment) ?? s.Environment,
            EmbeddedServerPath = NonEmpty(o.EmbeddedServerPath) ?? s.EmbeddedServerPath,
        };

        private static string? NonEmpty(string? v) => string.IsNullOrWhiteSpace(v) ? null : v!.Trim();

        private static double Number(string v, string name) =>
            double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d
                : throw Invalid(name, $"'{v}' is not a number");

        private static bool Bool(string v, string name)
        {
            switch (v.Trim().ToLowerInvariant())
            {
                case "1": case "true": case "yes": case "on": return true;
                case "0": case "false": case "no": case "off": return false;
                default: throw Invalid(name, $"'{v}' is not true or false");
            }
        }

        private static TimeSpan Seconds(double v, string name) =>
            v > 0 && v < 365 * 24 * 3600 ? TimeSpan.FromSeconds(v) : throw Invalid(name, $"{v} is not a positive number of seconds");

        private static int? Positive(int? v, string name) =>
            v is null ? null : v > 0 ? v : throw Invalid(name, $"{v} must be at least 1");

        private static KubiyaException Invalid(string name, string why) =>
            new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidSetting", $"Setting {name}: {why}.", name);
    }
}
