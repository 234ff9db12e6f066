using System;
using System.IO;
using Kubiya.Core.Health;

namespace Kubiya.Core.Configuration
{
    public static partial class SettingsLoader
    {
        /// <summary>Shortest health heartbeat interval users may set (the Kubiya docs' range).</summary>
        public const double MinHeartbeatSeconds = 15;

        /// <summary>Longest health heartbeat interval users may set.</summary>
        public const double MaxHeartbeatSeconds = 300;

        private static TimeSpan HealthInterval(double v, string name) =>
            v >= MinHeartbeatSeconds && v <= MaxHeartbeatSeconds
                ? TimeSpan.FromSeconds(v)
                : throw Invalid(name, $"{v} is outside {MinHeartbeatSeconds}–{MaxHeartbeatSeconds} seconds");

        // Metrics, probes and the test-only heartbeat override; the probe files default to
        // /tmp/worker-alive and /tmp/worker-ready when PROBE_FILES is on and no path is given.
        internal static KubiyaSettings ApplyObservability(KubiyaSettings s, Func<string, string?> env)
        {
            string? E(string name) => NonEmpty(env(name));
            var o = s.Observability;
            var probes = E("PROBE_FILES") is { } pf && Bool(pf, "PROBE_FILES");
            var port = o.MetricsPort;
            if (E("METRICS_PORT") is { } p)
            {
                var n = Number(p, "METRICS_PORT");
                if (n < 1 || n > 65535 || n != Math.Floor(n)) throw Invalid("METRICS_PORT", $"{p} is not a port number (1–65535)");
                port = (int)n;
            }
            o = o with
            {
                MetricsEnabled = E("METRICS_ENABLED") is { } me ? Bool(me, "METRICS_ENABLED") : o.MetricsEnabled,
                MetricsPort = port,
                MetricsBind = E("METRICS_BIND") ?? o.MetricsBind,
                AliveFile = ProbePath(E("WORKER_ALIVE_FILE"), "WORKER_ALIVE_FILE") ?? (probes ? ObservabilitySettings.DefaultAliveFile : o.AliveFile),
                ReadyFile = ProbePath(E("WORKER_READY_FILE"), "WORKER_READY_FILE") ?? (probes ? ObservabilitySettings.DefaultReadyFile : o.ReadyFile),
                TestHeartbeatInterval = E("KUBIYA_TEST_HEARTBEAT_INTERVAL") is { } t
                    ? Seconds(Number(t, "KUBIYA_TEST_HEARTBEAT_INTERVAL"), "KUBIYA_TEST_HEARTBEAT_INTERVAL")
                    : o.TestHeartbeatInterval,
            };
            return s with { Observability = o };
        }

        private static string? ProbePath(string? v, string name) =>
            v == null ? null : Path.IsPathRooted(v) ? v : throw Invalid(name, $"'{v}' is not an absolute path");
    }
}
