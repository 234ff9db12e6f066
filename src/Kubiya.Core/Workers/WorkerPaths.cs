using System;
using System.IO;
using System.Linq;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// Where a worker keeps its files: <c>~/.kubiya/workers/&lt;queue&gt;/</c> with <c>worker.pid</c>,
    /// <c>daemon_info.txt</c> and <c>logs/worker.log</c> (rotated as <c>worker.log.1</c>, ...).
    /// <c>KUBIYA_HOME</c> replaces <c>~/.kubiya</c>.
    /// </summary>
    public sealed class WorkerPaths
    {
        /// <summary>Paths for <paramref name="queueId"/> under <paramref name="kubiyaHome"/> (default: KUBIYA_HOME or ~/.kubiya).</summary>
        public WorkerPaths(string queueId, string? kubiyaHome = null)
        {
            ValidateQueueId(queueId);
            QueueId = queueId;
            Home = kubiyaHome ?? DefaultHome();
            Directory = Path.Combine(Home, "workers", queueId);
        }

        /// <summary>The queue the worker serves.</summary>
        public string QueueId { get; }

        /// <summary>The Kubiya home folder (~/.kubiya).</summary>
        public string Home { get; }

        /// <summary>The worker's own folder.</summary>
        public string Directory { get; }

        /// <summary>Supervisor pid file.</summary>
        public string PidFile => Path.Combine(Directory, "worker.pid");

        /// <summary>Human-readable daemon facts (pid, queue, start time, restarts, version, log path).</summary>
        public string InfoFile => Path.Combine(Directory, "daemon_info.txt");

        /// <summary>A file whose presence asks the daemon and its worker to drain and exit.</summary>
        public string StopRequestFile => Path.Combine(Directory, "stop.request");

        /// <summary>Log folder.</summary>
        public string LogDirectory => Path.Combine(Directory, "logs");

        /// <summary>The current log file.</summary>
        public string LogFile => Path.Combine(LogDirectory, "worker.log");

        /// <summary>KUBIYA_HOME, or ~/.kubiya.</summary>
        public static string DefaultHome()
        {
            var env = Environment.GetEnvironmentVariable("KUBIYA_HOME");
            if (!string.IsNullOrEmpty(env)) return env!;
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kubiya");
        }

        /// <summary>Queue ids become folder names: refuse anything that could escape the workers folder.</summary>
        public static void ValidateQueueId(string queueId)
        {
            if (string.IsNullOrWhiteSpace(queueId))
                throw new ArgumentException("Queue id must not be empty.", nameof(queueId));
            if (queueId.Length > 200 || queueId == "." || queueId == ".." ||
                queueId.Any(c => char.IsControl(c) || c == '/' || c == '\\' || c == ':' || Path.GetInvalidFileNameChars().Contains(c)))
                throw new ArgumentException($"Queue id '{queueId}' is not valid: use letters, digits, '-', '_' or '.'.", nameof(queueId));
        }
    }
}
