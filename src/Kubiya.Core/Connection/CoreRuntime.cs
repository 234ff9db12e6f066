using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using Temporalio.Runtime;

namespace Kubiya.Core.Connection
{
    /// <summary>
    /// The one Temporal runtime of the process. Its native core would otherwise print warnings
    /// straight to the console (inside a user's PowerShell session); here they are forwarded to
    /// the logs of whichever workers run, and dropped when none does.
    /// </summary>
    internal static class CoreRuntime
    {
        private static readonly object Gate = new object();
        private static readonly List<ILogger> Listeners = new List<ILogger>();
        private static string? prometheus;
        private static readonly Lazy<TemporalRuntime> Lazy = new Lazy<TemporalRuntime>(() => new TemporalRuntime(new TemporalRuntimeOptions
        {
            Telemetry = new TelemetryOptions
            {
                Logging = new LoggingOptions(new TelemetryFilterOptions(TelemetryFilterOptions.Level.Warn))
                {
                    Forwarding = new LogForwardingOptions(new ForwardingLogger()),
                },
                // On only for a worker with METRICS_ENABLED (see Metrics/SdkMetrics), off otherwise.
                Metrics = prometheus == null ? null : new MetricsOptions(new PrometheusOptions(prometheus) { UseSecondsForDuration = true }),
            },
        }));

        public static TemporalRuntime Instance => Lazy.Value;

        /// <summary>Where the SDK's Prometheus exporter listens, when it is on.</summary>
        public static string? PrometheusAddress => Lazy.IsValueCreated ? prometheus : null;

        /// <summary>Turns the SDK's Prometheus exporter on; false when the runtime already exists without it.</summary>
        public static bool TryEnablePrometheus(string bindAddress)
        {
            lock (Gate)
            {
                if (Lazy.IsValueCreated) return prometheus != null;
                prometheus = bindAddress;
                _ = Lazy.Value;
                return true;
            }
        }

        /// <summary>Adds a logger that receives the core's warnings; dispose the result to remove it.</summary>
        public static IDisposable Listen(ILogger logger)
        {
            lock (Gate) Listeners.Add(logger);
            return new Subscription(logger);
        }

        private sealed class Subscription : IDisposable
        {
            private ILogger? logger;
            public Subscription(ILogger logger) => this.logger = logger;
            public void Dispose()
            {
                lock (Gate) if (logger != null) Listeners.Remove(logger);
                logger = null;
            }
        }

        private sealed class ForwardingLogger : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                ILogger[] targets;
                lock (Gate) targets = Listeners.ToArray();
                foreach (var t in targets) t.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
