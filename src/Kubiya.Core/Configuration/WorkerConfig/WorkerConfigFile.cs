using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Kubiya.Core.Errors;
using Kubiya.Core.Logging;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kubiya.Core.Configuration.WorkerConfig
{
    /// <summary>
    /// Reads <c>~/.kubiya/worker-config.yaml</c> in the shape the Kubiya worker guide documents
    /// (<c>queue_id</c>, <c>deployment_type</c>, <c>daemon_mode</c>, <c>temporal</c>, <c>logging</c>,
    /// <c>resources</c>, <c>${VAR}</c> references). Keys that mean nothing here are collected,
    /// not refused, so a file brought from Kubiya loads; a bad value is an error naming the file,
    /// line and key.
    /// </summary>
    public static class WorkerConfigFile
    {
        /// <summary>The deployment types the guide names.</summary>
        public static readonly IReadOnlyList<string> DeploymentTypes = new[] { "local", "daemon", "docker", "kubernetes" };

        /// <summary>Reads <paramref name="path"/>; null when it does not exist.</summary>
        public static WorkerConfigValues? Read(string path, Func<string, string?> env)
        {
            if (!File.Exists(path)) return null;
            var text = Yaml.YamlLimits.ReadFile(path, "InvalidConfiguration");
            Yaml.YamlLimits.Check(text, path, "InvalidConfiguration");
            YamlMappingNode? root;
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(text));
                if (stream.Documents.Count == 0) return new WorkerConfigValues { Path = path };
                root = stream.Documents[0].RootNode as YamlMappingNode;
                if (root == null)
                {
                    if (stream.Documents[0].RootNode is YamlScalarNode s && string.IsNullOrEmpty(s.Value)) return new WorkerConfigValues { Path = path };
                    throw Bad(path, stream.Documents[0].RootNode, "(top)", "the file must be a mapping of keys (queue_id: ..., temporal: ...)");
                }
            }
            catch (YamlException ex)
            {
                throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, "InvalidConfiguration",
                    $"{path}:{ex.Start.Line}:{ex.Start.Column}: {YamlErrors.Describe(ex)}", path, ex);
            }
            return new Reader(path, env).Read(root);
        }

        private sealed class Reader
        {
            private readonly string path;
            private readonly Func<string, string?> env;
            private readonly List<string> ignored = new List<string>();

            public Reader(string path, Func<string, string?> env)
            {
                this.path = path;
                this.env = env;
            }

            public WorkerConfigValues Read(YamlMappingNode root)
            {
                var v = new WorkerConfigValues { Path = path };
                string? queueId = null, taskQueue = null;
                YamlNode? taskQueueNode = null;
                foreach (var (key, node) in Entries(root, ""))
                {
                    switch (key)
                    {
                        case "queue_id": queueId = Queue(node, key); break;
                        case "deployment_type": v = v with { DeploymentType = DeploymentType(node, key) }; break;
                        case "daemon_mode": v = v with { DaemonMode = Bool(node, key) }; break;
                        case "heartbeat_interval": v = v with { HeartbeatInterval = Heartbeat(node, key) }; break;
                        case "temporal":
                            foreach (var (sub, child) in Section(node, key))
                            {
                                var name = key + "." + sub;
                                switch (sub)
                                {
                                    case "host": v = v with { TemporalAddress = HostPort(child, name) }; break;
                                    case "namespace": v = v with { Namespace = Text(child, name) }; break;
                                    case "task_queue": taskQueue = Queue(child, name); taskQueueNode = child; break;
                                    default: ignored.Add(name); break;
                                }
                            }
                            break;
                        case "logging":
                            foreach (var (sub, child) in Section(node, key))
                            {
                                var name = key + "." + sub;
                                switch (sub)
                                {
                                    case "level": v = v with { LogLevel = Level(child, name) }; break;
                                    case "max_size_bytes": v = v with { LogMaxBytes = Whole(child, name, Workers.DaemonOptions.MinLogBytes, long.MaxValue) }; break;
                                    case "max_backups": v = v with { LogMaxBackups = (int?)Whole(child, name, 0, 1000) }; break;
                                    default: ignored.Add(name); break;
                                }
                            }
                            break;
                        case "resources":
                            foreach (var (sub, child) in Section(node, key))
                            {
                                var name = key + "." + sub;
                                switch (sub)
                                {
                                    case "max_concurrent_activities": v = v with { MaxConcurrentActivities = (int?)Whole(child, name, 1, 100_000) }; break;
                                    case "max_concurrent_workflows": v = v with { MaxConcurrentWorkflows = (int?)Whole(child, name, 1, 100_000) }; break;
                                    case "activity_timeout": v = v with { ActivityTimeout = Duration(child, name) }; break;
                                    default: ignored.Add(name); break;
                                }
                            }
                            break;
                        default: ignored.Add(key); break;
                    }
                }
                if (queueId != null && taskQueue != null && !string.Equals(queueId, taskQueue, StringComparison.Ordinal))
                    throw Bad(path, taskQueueNode!, "temporal.task_queue",
                        $"'{taskQueue}' differs from queue_id '{queueId}'; here a queue is the Temporal task queue itself, so give one of them or make them equal");
                return v with { Queue = taskQueue ?? queueId, IgnoredKeys = ignored.ToList() };
            }

            private IEnumerable<(string Key, YamlNode Node)> Entries(YamlMappingNode map, string prefix)
            {
                foreach (var entry in map.Children)
                {
                    var key = (entry.Key as YamlScalarNode)?.Value;
                    if (string.IsNullOrEmpty(key)) throw Bad(path, entry.Key, prefix.Length == 0 ? "(top)" : prefix.TrimEnd('.'), "a key must be a plain name");
                    yield return (key!, entry.Value);
                }
            }

            private IEnumerable<(string Key, YamlNode Node)> Section(YamlNode node, string name)
            {
                if (IsNull(node)) return Enumerable.Empty<(string, YamlNode)>();
                if (!(node is YamlMappingNode map)) throw Bad(path, node, name, "a mapping of keys was expected");
                return Entries(map, name + ".");
            }

            private static bool IsNull(YamlNode node) =>
                node is YamlScalarNode s && s.Style == YamlDotNet.Core.ScalarStyle.Plain && (string.IsNullOrEmpty(s.Value) || s.Value == "~" || s.Value == "null");

            /// <summary>The scalar's text with references expanded; null when the key is empty.</summary>
            private string? Scalar(YamlNode node, string name)
            {
                if (IsNull(node)) return null;
                if (!(node is YamlScalarNode s)) throw Bad(path, node, name, "a single value was expected");
                var value = WorkerConfigReferences.Expand(s.Value ?? "", env, out var missing);
                if (missing != null) throw Bad(path, node, name, $"the environment variable {missing} it refers to is not set");
                value = value.Trim();
                return value.Length == 0 ? null : value;
            }

            private string? Text(YamlNode node, string name) => Scalar(node, name);

            private string? Queue(YamlNode node, string name)
            {
                var q = Scalar(node, name);
                if (q == null) return null;
                try { Workers.WorkerPaths.ValidateQueueId(q); }
                catch (KubiyaException ex) { throw Bad(path, node, name, ex.Message.TrimEnd('.')); }
                return q;
            }

            private string? DeploymentType(YamlNode node, string name)
            {
                var t = Scalar(node, name)?.ToLowerInvariant();
                if (t == null) return null;
                return DeploymentTypes.Contains(t) ? t : throw Bad(path, node, name, $"'{t}' is not one of {string.Join(", ", DeploymentTypes)}");
            }

            private bool? Bool(YamlNode node, string name)
            {
                var b = Scalar(node, name);
                switch (b?.ToLowerInvariant())
                {
                    case null: return null;
                    case "true": case "yes": case "on": case "1": return true;
                    case "false": case "no": case "off": case "0": return false;
                    default: throw Bad(path, node, name, $"'{b}' is not true or false");
                }
            }

            private long? Whole(YamlNode node, string name, long min, long max)
            {
                var t = Scalar(node, name);
                if (t == null) return null;
                if (!long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) throw Bad(path, node, name, $"'{t}' is not a whole number");
                if (n < min || n > max) throw Bad(path, node, name, max == long.MaxValue ? $"{n} must be at least {min}" : $"{n} is outside {min}–{max}");
                return n;
            }

            private TimeSpan? Duration(YamlNode node, string name)
            {
                var t = Scalar(node, name);
                if (t == null) return null;
                if (!TryDuration(t, out var d)) throw Bad(path, node, name, $"'{t}' is not a duration (e.g. \"300s\", \"5m\", \"1h\" or seconds)");
                if (d <= TimeSpan.Zero || d > TimeSpan.FromDays(365)) throw Bad(path, node, name, $"'{t}' is not a positive duration under a year");
                return d;
            }

            private TimeSpan? Heartbeat(YamlNode node, string name)
            {
                var d = Duration(node, name);
                if (d is { } h && (h.TotalSeconds < SettingsLoader.MinHeartbeatSeconds || h.TotalSeconds > SettingsLoader.MaxHeartbeatSeconds))
                    throw Bad(path, node, name, $"{h.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s is outside {SettingsLoader.MinHeartbeatSeconds}–{SettingsLoader.MaxHeartbeatSeconds} seconds");
                return d;
            }

            private string? HostPort(YamlNode node, string name)
            {
                var t = Scalar(node, name);
                if (t == null) return null;
                var colon = t.LastIndexOf(':');
                var ok = colon > 0 && colon < t.Length - 1 && t.IndexOf("://", StringComparison.Ordinal) < 0 && t.IndexOf('/') < 0
                    && int.TryParse(t.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port >= 1 && port <= 65535;
                return ok ? t : throw Bad(path, node, name, $"'{t}' is not host:port (e.g. temporal.example.com:7233)");
            }

            private string? Level(YamlNode node, string name)
            {
                var t = Scalar(node, name);
                if (t == null) return null;
                return LogLevelNames.TryParse(t, out var level) ? level.ToString()
                    : throw Bad(path, node, name, $"'{t}' is not a log level ({LogLevelNames.Accepted})");
            }
        }

        private static KubiyaException Bad(string path, YamlNode node, string key, string why) =>
            new KubiyaException(KubiyaErrorKind.InvalidDefinition, "InvalidConfiguration",
                $"{path}:{node.Start.Line}:{node.Start.Column}: {key}: {why}.", path);

        internal static bool TryDuration(string text, out TimeSpan value)
        {
            value = default;
            var t = text.Trim().ToLowerInvariant();
            double factor = 1;
            if (t.EndsWith("ms", StringComparison.Ordinal)) { factor = 0.001; t = t.Substring(0, t.Length - 2); }
            else if (t.EndsWith("s", StringComparison.Ordinal)) t = t.Substring(0, t.Length - 1);
            else if (t.EndsWith("m", StringComparison.Ordinal)) { factor = 60; t = t.Substring(0, t.Length - 1); }
            else if (t.EndsWith("h", StringComparison.Ordinal)) { factor = 3600; t = t.Substring(0, t.Length - 1); }
            if (!double.TryParse(t.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || double.IsNaN(n) || double.IsInfinity(n)) return false;
            value = TimeSpan.FromSeconds(Math.Min(n * factor, TimeSpan.MaxValue.TotalSeconds / 2));
            return true;
        }
    }
}
