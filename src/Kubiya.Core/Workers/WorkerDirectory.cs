using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Connection;
using Kubiya.Core.Errors;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Kubiya.Core.Workers
{
    /// <summary>Finds workers: the queues this machine has run workers for, and the pollers the server sees.</summary>
    public static class WorkerDirectory
    {
        /// <summary>Queues with a folder under <c>~/.kubiya/workers</c>.</summary>
        public static IReadOnlyList<string> KnownQueues(KubiyaPaths paths)
        {
            if (!Directory.Exists(paths.WorkersDirectory)) return Array.Empty<string>();
            var queues = new List<string>();
            foreach (var dir in Directory.GetDirectories(paths.WorkersDirectory))
            {
                var marker = Path.Combine(dir, "queue.txt");
                try
                {
                    queues.Add(File.Exists(marker) ? File.ReadAllText(marker).Trim() : Path.GetFileName(dir));
                }
                catch (IOException)
                {
                    // A folder being removed by an ephemeral worker.
                }
            }
            return queues.Where(q => q.Length > 0).Distinct(StringComparer.Ordinal).OrderBy(q => q, StringComparer.Ordinal).ToList();
        }

        /// <summary>Pollers the server reports for <paramref name="queue"/> (workflow and activity pollers merged).</summary>
        public static async Task<IReadOnlyList<WorkerInfo>> PollersAsync(KubiyaConnection connection, string queue, CancellationToken ct)
        {
            var byIdentity = new Dictionary<string, WorkerInfo>(StringComparer.Ordinal);
            foreach (var type in new[] { TaskQueueType.Workflow, TaskQueueType.Activity })
            {
                DescribeTaskQueueResponse resp;
                try
                {
                    resp = await connection.Client.Connection.WorkflowService.DescribeTaskQueueAsync(new DescribeTaskQueueRequest
                    {
                        Namespace = connection.Namespace,
                        TaskQueue = new Temporalio.Api.TaskQueue.V1.TaskQueue { Name = queue },
                        TaskQueueType = type,
                    }, new RpcOptions { CancellationToken = ct }).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    throw RpcErrors.Translate(ex, queue);
                }
                foreach (var p in resp.Pollers)
                {
                    var seen = p.LastAccessTime?.ToDateTimeOffset();
                    if (byIdentity.TryGetValue(p.Identity, out var existing))
                    {
                        if (seen > existing.LastAccessTime) existing.LastAccessTime = seen;
                        continue;
                    }
                    byIdentity[p.Identity] = new WorkerInfo { QueueId = queue, Identity = p.Identity, Source = "Server", State = "Polling", LastAccessTime = seen };
                }
            }
            return byIdentity.Values.OrderBy(w => w.Identity, StringComparer.Ordinal).ToList();
        }
    }
}
