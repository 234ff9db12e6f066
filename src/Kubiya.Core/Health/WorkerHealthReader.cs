using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Connection;
using Kubiya.Core.Errors;
using Kubiya.Core.Workers;
using Temporalio.Client;

namespace Kubiya.Core.Health
{
    /// <summary>
    /// Reads every worker's last health heartbeat on the namespace: one visibility query for the
    /// running health records, their memo decoded; a worker silent for three of its intervals is
    /// <c>Lost</c>.
    /// </summary>
    public static class WorkerHealthReader
    {
        /// <summary>The visibility query of the running health records (of one queue, when given).</summary>
        public static string Query(string? queue)
        {
            var q = $"WorkflowType = '{HealthNames.Workflow}' AND ExecutionStatus = 'Running'";
            return string.IsNullOrEmpty(queue) ? q : q + $" AND TaskQueue = '{queue!.Replace("\\", "\\\\").Replace("'", "\\'")}'";
        }

        /// <summary>Workers with a health record, newest heartbeat first per queue; <paramref name="now"/> judges <c>Lost</c>.</summary>
        public static async Task<IReadOnlyList<WorkerInfo>> ListAsync(KubiyaConnection connection, string? queue, DateTimeOffset now, CancellationToken ct)
        {
            var result = new List<WorkerInfo>();
            try
            {
                byte[]? token = null;
                do
                {
                    var page = await connection.Client.ListWorkflowsPaginatedAsync(Query(queue), token, new WorkflowListPaginatedOptions
                    {
                        PageSize = 200,
                        Rpc = new RpcOptions { CancellationToken = ct },
                    }).ConfigureAwait(false);
                    foreach (var wf in page.Workflows)
                    {
                        if (!wf.Memo.TryGetValue(HealthNames.MemoKey, out var raw)) continue;
                        WorkerHealth health;
                        try { health = await raw.ToValueAsync<WorkerHealth>().ConfigureAwait(false); }
                        catch (Exception) { continue; } // a record of another version: skip, never fail the listing
                        result.Add(ToInfo(health, now));
                    }
                    token = page.NextPageToken;
                }
                while (token != null && token.Length > 0);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                throw RpcErrors.Translate(ex, queue ?? "");
            }
            return result.OrderBy(w => w.QueueId, StringComparer.Ordinal).ThenBy(w => w.Identity, StringComparer.Ordinal).ToList();
        }

        /// <summary>True when a heartbeat recorded at <paramref name="recordedAt"/> is older than three intervals.</summary>
        public static bool IsLost(DateTimeOffset recordedAt, double intervalSeconds, DateTimeOffset now) =>
            now - recordedAt > TimeSpan.FromSeconds(intervalSeconds * HealthNames.LostAfterIntervals);

        /// <summary>The listing row of a heartbeat.</summary>
        public static WorkerInfo ToInfo(WorkerHealth h, DateTimeOffset now) => new WorkerInfo
        {
            QueueId = h.Queue,
            Identity = h.Identity,
            Source = "Heartbeat",
            State = IsLost(h.RecordedAt, h.IntervalSeconds, now) ? "Lost" : "Running",
            StartedAt = h.StartedAt,
            ActiveSteps = h.ActiveTasks,
            CompletedSteps = h.CompletedTasks,
            FailedSteps = h.FailedTasks,
            Host = h.Host,
            Pid = h.Pid,
            Version = h.Version,
            Uptime = TimeSpan.FromSeconds(Math.Round(h.UptimeSeconds)),
            CpuPercent = h.CpuPercent,
            MemoryMb = h.MemoryMb,
            AvgDurationSeconds = h.AvgDurationSeconds,
            Slots = h.Slots,
            LastHeartbeat = h.RecordedAt,
            LastAccessTime = h.RecordedAt,
        };
    }
}
