using System;
using System.IO;
using System.Linq;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Workers
{
    /// <summary>
    /// Where a worker keeps its files: <c>~/.kubiya/workers/&lt;queue&gt;/</c> with <c>worker.pid</c>,
    /// <c>daemon_info.txt</c> and <c>logs/worker.log</c> (rotated as <c>worker.log.1</c>, ...).
    /// The folder and log locations come from <see cref="KubiyaPaths"/>, so daemons, worker jobs
    /// and the CLI all agree on them; <c>KUBIYA_HOME</c> replaces <c>~/.kubiya</c>.
    /// </summary>
    public sealed class WorkerPaths
    {
        /// <summary>Paths for <paramref name="queueId"/> under <paramref name="paths"/>.</summary>
        public WorkerPaths(string queueId, KubiyaPaths paths)
        {
            ValidateQueueId(queueId);
            QueueId = queueId;
            Paths = paths ?? throw new ArgumentNullException(nameof(paths));
            Directory = paths.WorkerDirectory(queueId);
        }

        /// <summary>Paths for <paramref name="queueId"/> under <paramref name="kubiyaHome"/> (default: KUBIYA_HOME or ~/.kubiya).</summary>
        public WorkerPaths(string queueId, string? kubiyaHome = null)
            : this(queueId, kubiyaHome == null ? KubiyaPaths.FromEnvironment() : new KubiyaPaths(kubiyaHome))
        {
        }

        /// <summary>The queue the worker serves.</summary>
        public string QueueId { get; }

        /// <summary>The Kubiya home folder's well-known locations.</summary>
        public KubiyaPaths Paths { get; }

        /// <summary>The Kubiya home folder (~/.kubiya).</summary>
        public string Home => Paths.Home;

        /// <summary>The worker's own folder.</summary>
        public string Directory { get; }

        /// <summary>Supervisor pid file.</summary>
        public string PidFile => Path.Combine(Directory, "worker.pid");

        /// <summary>Human-readable daemon facts (pid, queue, start time, restarts, version, log path).</summary>
        public string InfoFile => Path.Combine(Directory, "daemon_info.txt");

        /// <summary>A file whose presence asks the daemon and its worker to drain and exit.</summary>
        public string StopRequestFile => Path.Combine(Directory, "stop.request");

        /// <summary>What the supervisor process itself prints before its log is open (start-up failures).</summary>
        public string SupervisorOutputFile => Path.Combine(Directory, "daemon.out");

        /// <summary>The current log file.</summary>
        public string LogFile => Paths.WorkerLogFile(QueueId);

        /// <summary>Log folder.</summary>
        public string LogDirectory => Path.GetDirectoryName(LogFile)!;

        /// <summary>Queue ids become folder names: refuse anything that could escape the workers folder.</summary>
        public static void ValidateQueueId(string queueId)
        {
            if (string.IsNullOrWhiteSpace(queueId))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidQueueId", "The queue id must not be empty.", queueId);
            if (queueId.Length > 200 || queueId == "." || queueId == ".." ||
                queueId.Any(c => char.IsControl(c) || c == '/' || c == '\\' || c == ':' || Path.GetInvalidFileNameChars().Contains(c)))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidQueueId", $"Queue id '{queueId}' is not valid: use letters, digits, '-', '_' or '.'.", queueId);
        }
    }
}
