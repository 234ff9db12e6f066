using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Connection;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.Core.Health;
using Kubiya.Core.Workflows;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Kubiya.Core.Analytics
{
    /// <summary>
    /// Execution analytics from visibility: the counts by status come from the server
    /// (<c>CountWorkflowExecutions ... GROUP BY ExecutionStatus</c>) where it supports that; times,
    /// agents and queues come from one listing of the window's executions (built-in attributes and
    /// a few memo fields), computed by <see cref="StatsCalculator"/>.
    /// </summary>
    public sealed class ExecutionStatsService
    {
        /// <summary>
        /// The page size asked for: Temporal caps a larger one at its configured maximum
        /// (<c>frontend.visibilityMaxPageSize</c>, 1000 by default) and keeps paging, so asking
        /// for more only saves round trips where the server allows it (the embedded one does).
        /// </summary>
        public const int PageSize = 10_000;
        private readonly KubiyaConnection connection;

        /// <summary>Analytics over <paramref name="connection"/>'s namespace.</summary>
        public ExecutionStatsService(KubiyaConnection connection) => this.connection = connection;

        /// <summary>The visibility query of the window (and queue) of <paramref name="request"/>.</summary>
        public static string Query(StatsRequest request)
        {
            var parts = new List<string> { $"WorkflowType = '{WorkflowNames.Execution}'", $"StartTime >= '{Iso(request.Since)}'" };
            if (request.Until is { } until) parts.Add($"StartTime < '{Iso(until)}'");
            if (!string.IsNullOrEmpty(request.Queue)) parts.Add($"TaskQueue = '{request.Queue!.Replace("\\", "\\\\").Replace("'", "\\'")}'");
            return string.Join(" AND ", parts);
        }

        /// <summary>Computes the rows of <paramref name="request"/>.</summary>
        public async Task<IReadOnlyList<ExecutionMetric>> ComputeAsync(StatsRequest request, CancellationToken ct)
        {
            var until = request.Until ?? DateTimeOffset.UtcNow;
            if (until <= request.Since)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidStatsWindow", "The window is empty: its start is not before its end.", request.Since);
            var query = Query(request);
            try
            {
                var countsTask = string.IsNullOrEmpty(request.Agent) && request.By == StatsGrouping.None ? ServerCountsAsync(query, ct) : Task.FromResult<Dictionary<string, long>?>(null);
                var slotsTask = SlotsAsync(request.Queue, ct);
                var samples = await SamplesAsync(request, until, request.Agent, ct).ConfigureAwait(false);
                var slots = await slotsTask.ConfigureAwait(false);
                var rows = StatsCalculator.Compute(samples, request.Since, until, request.By, slots);
                var counts = await countsTask.ConfigureAwait(false);
                if (counts != null && rows.Count == 1)
                {
                    var row = rows[0];
                    row.Completed = Get(counts, ExecutionStatus.Completed);
                    row.Failed = Get(counts, ExecutionStatus.Failed);
                    row.Cancelled = Get(counts, ExecutionStatus.Cancelled);
                    // Open runs are Running on the server; the memo splits them (pending, waiting), the total does not.
                    row.Total = counts.Values.Sum();
                    row.Open = row.Total - row.Completed - row.Failed - row.Cancelled;
                    var finished = row.Completed + row.Failed + row.Cancelled;
                    row.SuccessRate = finished == 0 ? (double?)null : Math.Round(100.0 * row.Completed / finished, 2);
                    row.ServerCounted = true;
                }
                return rows;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is KubiyaException))
            {
                throw RpcErrors.Translate(ex, request.Queue ?? "");
            }
        }

        private static long Get(Dictionary<string, long> counts, string status) => counts.TryGetValue(status, out var n) ? n : 0;

        /// <summary>Counts by product status from the server; null when it cannot group.</summary>
        private async Task<Dictionary<string, long>?> ServerCountsAsync(string query, CancellationToken ct)
        {
            CountWorkflowExecutionsResponse resp;
            try
            {
                resp = await connection.Client.Connection.WorkflowService.CountWorkflowExecutionsAsync(new CountWorkflowExecutionsRequest
                {
                    Namespace = connection.Namespace,
                    Query = query + " GROUP BY ExecutionStatus",
                }, new RpcOptions { CancellationToken = ct }).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // Visibility without GROUP BY (older servers, some stores): the listing counts instead.
                return null;
            }
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var g in resp.Groups)
            {
                var raw = g.GroupValues.Count == 1 ? Temporalio.Converters.DataConverter.Default.PayloadConverter.ToValue(g.GroupValues[0], typeof(string)) as string : null;
                var status = raw != null && Enum.TryParse<WorkflowExecutionStatus>(raw, out var s) ? ExecutionMapper.MapStatus(s, null) : null;
                if (status == null) return null;
                counts[status] = (counts.TryGetValue(status, out var n) ? n : 0) + g.Count;
            }
            return counts;
        }

        // The window is read as a few time slices listed side by side: one listing pages
        // sequentially, and the server answers slices of the window concurrently.
        private const int Slices = 4;

        private async Task<List<ExecutionSample>> SamplesAsync(StatsRequest request, DateTimeOffset until, string? agent, CancellationToken ct)
        {
            var span = until - request.Since;
            var slices = Enumerable.Range(0, Slices).Select(i =>
            {
                var from = request.Since + TimeSpan.FromTicks(span.Ticks / Slices * i);
                var to = i == Slices - 1 ? (DateTimeOffset?)request.Until : request.Since + TimeSpan.FromTicks(span.Ticks / Slices * (i + 1));
                return Query(request with { Since = from, Until = to });
            }).ToList();
            var parts = await Task.WhenAll(slices.Select(q => SliceAsync(q, agent, ct))).ConfigureAwait(false);
            return parts.SelectMany(p => p).ToList();
        }

        private async Task<List<ExecutionSample>> SliceAsync(string query, string? agent, CancellationToken ct)
        {
            var samples = new List<ExecutionSample>();
            var token = Google.Protobuf.ByteString.Empty;
            do
            {
                var page = await connection.Client.Connection.WorkflowService.ListWorkflowExecutionsAsync(new ListWorkflowExecutionsRequest
                {
                    Namespace = connection.Namespace,
                    Query = query,
                    PageSize = PageSize,
                    NextPageToken = token,
                }, new RpcOptions { CancellationToken = ct }).ConfigureAwait(false);
                foreach (var wf in page.Executions)
                {
                    var sample = Sample(wf);
                    if (!string.IsNullOrEmpty(agent) && !string.Equals(sample.Agent, agent, StringComparison.OrdinalIgnoreCase)) continue;
                    samples.Add(sample);
                }
                token = page.NextPageToken;
            }
            while (!token.IsEmpty);
            return samples;
        }

        private static ExecutionSample Sample(Temporalio.Api.Workflow.V1.WorkflowExecutionInfo wf)
        {
            var memo = wf.Memo?.Fields;
            var started = MemoString(memo, MemoKeys.StartedAt);
            var sample = new ExecutionSample
            {
                Status = ExecutionMapper.MapStatus(wf.Status, MemoString(memo, MemoKeys.State)),
                Agent = MemoString(memo, MemoKeys.Agent) ?? MemoString(memo, MemoKeys.Team) ?? "",
                Queue = wf.TaskQueue,
                CreatedAt = wf.StartTime?.ToDateTimeOffset() ?? default,
            };
            if (started != null && DateTimeOffset.TryParse(started, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var s)) sample.StartedAt = s;
            if (wf.CloseTime is { } close) sample.ClosedAt = close.ToDateTimeOffset();
            return sample;
        }

        // Memo strings are JSON payloads (the default converter's json/plain); read them without the converter's overhead.
        private static string? MemoString(Google.Protobuf.Collections.MapField<string, Temporalio.Api.Common.V1.Payload>? memo, string key)
        {
            if (memo == null || !memo.TryGetValue(key, out var payload)) return null;
            try
            {
                var reader = new System.Text.Json.Utf8JsonReader(payload.Data.Span);
                return reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.String ? reader.GetString() : null;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }

        /// <summary>Task slots of the workers heartbeating now (of one queue, when given).</summary>
        private async Task<int?> SlotsAsync(string? queue, CancellationToken ct)
        {
            var workers = await WorkerHealthReader.ListAsync(connection, queue, DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
            var live = workers.Where(w => w.State == "Running").ToList();
            return live.Count == 0 ? (int?)null : live.Sum(w => w.Slots ?? 0);
        }

        private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
    }
}
