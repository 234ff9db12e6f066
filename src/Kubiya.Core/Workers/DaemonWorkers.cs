using System;
using System.Collections.Generic;
using System.Linq;
using Kubiya.Core.Configuration;

namespace Kubiya.Core.Workers
{
    /// <summary>The daemon workers of this machine, as fronts list them.</summary>
    public static class DaemonWorkers
    {
        /// <summary>The status of each known queue's daemon (running or not).</summary>
        public static IReadOnlyList<KeyValuePair<string, DaemonStatus>> All(KubiyaPaths paths) =>
            WorkerDirectory.KnownQueues(paths)
                .Where(IsValidQueueId)
                .Select(q => new KeyValuePair<string, DaemonStatus>(q, DaemonStatusReader.Read(new WorkerPaths(q, paths))))
                .ToList();

        /// <summary>A daemon as a <see cref="WorkerInfo"/> (Source <c>Daemon</c>).</summary>
        public static WorkerInfo ToWorkerInfo(string queueId, DaemonStatus status) => new WorkerInfo
        {
            QueueId = queueId,
            Identity = status.Info != null && status.State != DaemonState.Stopped ? $"daemon pid {status.Info.Pid}" : "",
            Source = "Daemon",
            State = status.State.ToString(),
            StartedAt = status.Info != null && status.Info.StartedUtc != default ? new DateTimeOffset(status.Info.StartedUtc, TimeSpan.Zero).ToLocalTime() : (DateTimeOffset?)null,
            LogFile = status.Info?.LogPath is { Length: > 0 } log ? log : null,
        };

        private static bool IsValidQueueId(string queue)
        {
            try
            {
                WorkerPaths.ValidateQueueId(queue);
                return true;
            }
            catch (Errors.KubiyaException)
            {
                return false;
            }
        }
    }
}
