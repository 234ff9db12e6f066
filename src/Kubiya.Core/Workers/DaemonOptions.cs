using System;
using System.Collections.Generic;
using System.Globalization;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Workers
{
    /// <summary>How a daemon supervises its worker: log limits, restart backoff and drain time.</summary>
    public sealed record DaemonOptions
    {
        /// <summary>Smallest accepted log size limit.</summary>
        public const long MinLogBytes = 1024;

        /// <summary>Rotate worker.log beyond this size.</summary>
        public long MaxLogBytes { get; init; } = 100 * 1024 * 1024;
        /// <summary>Rotated logs kept (worker.log.1 ...).</summary>
        public int MaxLogBackups { get; init; } = 5;
        /// <summary>First restart delay; doubles on each quick death.</summary>
        public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);
        /// <summary>Longest restart delay.</summary>
        public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);
        /// <summary>A worker that stayed up this long resets the backoff.</summary>
        public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(60);
        /// <summary>How long a stopping worker may drain running steps; the supervisor kills it a little later.</summary>
        public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(60);
        /// <summary>Model configuration file the worker reads (see <see cref="DaemonModelConfig"/>); null = <c>~/.kubiya/models.yaml</c>.</summary>
        public string? ModelConfigPath { get; init; }
        /// <summary>Port the daemon's worker serves its web UI on (null: <c>KUBIYA_WEBUI_PORT</c> or 8088).</summary>
        public int? WebUIPort { get; init; }
        /// <summary>The daemon's worker serves no web UI.</summary>
        public bool NoWebUI { get; init; }

        /// <summary>Rejects limits that cannot work, with a message naming the option.</summary>
        public DaemonOptions Validate()
        {
            if (MaxLogBytes < MinLogBytes) throw Invalid($"The log size limit must be at least {MinLogBytes} bytes (got {MaxLogBytes}).");
            if (MaxLogBackups < 0 || MaxLogBackups > 1000) throw Invalid($"The number of log backups must be between 0 and 1000 (got {MaxLogBackups}).");
            if (InitialBackoff <= TimeSpan.Zero) throw Invalid("The restart delay must be positive.");
            if (MaxBackoff < InitialBackoff) throw Invalid("The longest restart delay cannot be shorter than the first one.");
            if (DrainTimeout < TimeSpan.Zero) throw Invalid("The drain timeout cannot be negative.");
            if (WebUIPort is int port && (port < 0 || port > 65535)) throw Invalid($"The web UI port must be from 0 to 65535 (got {port}).");
            return this;
        }

        /// <summary>
        /// The options as arguments of the CLI's hidden <c>worker supervise</c> command (the one
        /// place that spells them, for both the CLI and the module).
        /// </summary>
        public IEnumerable<string> ToArguments()
        {
            yield return "--max-log-size";
            yield return MaxLogBytes.ToString(CultureInfo.InvariantCulture);
            yield return "--max-log-backups";
            yield return MaxLogBackups.ToString(CultureInfo.InvariantCulture);
            yield return "--restart-delay";
            yield return Seconds(InitialBackoff);
            yield return "--max-restart-delay";
            yield return Seconds(MaxBackoff);
            yield return "--stable-after";
            yield return Seconds(StableAfter);
            yield return "--drain-timeout";
            yield return Seconds(DrainTimeout);
            if (NoWebUI) yield return "--no-webui";
            else if (WebUIPort is int port)
            {
                yield return "--webui-port";
                yield return port.ToString(CultureInfo.InvariantCulture);
            }
            if (ModelConfigPath != null)
            {
                // A path only: keys stay in the file (or the worker's environment), never on a command line.
                yield return "--proxy-config-file";
                yield return ModelConfigPath;
            }
        }

        /// <summary>
        /// Reads arguments written by <see cref="ToArguments"/> back; options it does not name keep
        /// their defaults. An unknown option or a bad value is an <c>InvalidDaemonOption</c> error.
        /// </summary>
        public static DaemonOptions FromArguments(IEnumerable<string> arguments)
        {
            var options = new DaemonOptions();
            using var e = arguments.GetEnumerator();
            string Value(string name) => e.MoveNext() ? e.Current : throw Invalid($"{name} needs a value.");
            double Number(string name)
            {
                var text = Value(name);
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : throw Invalid($"{name} must be a number (got '{text}').");
            }
            while (e.MoveNext())
            {
                var name = e.Current;
                switch (name)
                {
                    case "--max-log-size": options = options with { MaxLogBytes = (long)Number(name) }; break;
                    case "--max-log-backups": options = options with { MaxLogBackups = (int)Number(name) }; break;
                    case "--restart-delay": options = options with { InitialBackoff = TimeSpan.FromSeconds(Number(name)) }; break;
                    case "--max-restart-delay": options = options with { MaxBackoff = TimeSpan.FromSeconds(Number(name)) }; break;
                    case "--stable-after": options = options with { StableAfter = TimeSpan.FromSeconds(Number(name)) }; break;
                    case "--drain-timeout": options = options with { DrainTimeout = TimeSpan.FromSeconds(Number(name)) }; break;
                    case "--no-webui": options = options with { NoWebUI = true, WebUIPort = null }; break;
                    case "--webui-port": options = options with { WebUIPort = (int)Number(name), NoWebUI = false }; break;
                    case "--proxy-config-file": options = options with { ModelConfigPath = Value(name) }; break;
                    default: throw Invalid($"Unknown daemon option '{name}'.");
                }
            }
            return options;
        }

        private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

        private static KubiyaException Invalid(string message) =>
            new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidDaemonOption", message, null);
    }
}
