using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Client;
using Temporalio.Common;

namespace Kubiya.Bench;

/// <summary>
/// Visibility queries over 10,000 stored executions: the first page of 100 for a status, a
/// custom keyword attribute and a start-time range. Reports the server-side time of each
/// query (from the server's debug log) and the client round trip; the target is 50 ms
/// server-side.
/// </summary>
public static class VisibilityBench
{
    private const int Executions = 10_000;
    private const int Runs = 40;
    private const double TargetMs = 50;

    public static async Task RunAsync()
    {
        await using var server = await BenchServer.StartAsync("--log-level", "Debug");
        var client = await TemporalClient.ConnectAsync(new(server.Address));
        await client.Connection.OperatorService.AddSearchAttributesAsync(new AddSearchAttributesRequest
        {
            Namespace = "default",
            SearchAttributes = { ["KubiyaTeam"] = IndexedValueType.Keyword },
        });
        var team = SearchAttributeKey.CreateKeyword("KubiyaTeam");

        // 10,000 runs of 20 teams; every third one terminated, so statuses are mixed.
        var watch = Stopwatch.StartNew();
        var starts = new DateTime[Executions];
        await Parallel.ForEachAsync(Enumerable.Range(0, Executions), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var handle = await client.StartWorkflowAsync("BenchIdle", Array.Empty<object?>(), new WorkflowOptions($"bench-{i:D5}", "bench-visibility")
            {
                TypedSearchAttributes = new SearchAttributeCollection.Builder().Set(team, $"team-{i % 20:D2}").ToSearchAttributeCollection(),
            });
            starts[i] = DateTime.UtcNow;
            if (i % 3 == 0) await handle.TerminateAsync("bench");
        });
        Console.WriteLine($"stored {Executions:N0} executions ({Executions / 3:N0} terminated) in {watch.Elapsed.TotalSeconds:F1} s");

        var sorted = starts.OrderBy(t => t).ToArray();
        var from = sorted[Executions * 4 / 10].ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var to = sorted[Executions * 6 / 10].ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var queries = new (string Name, string Query)[]
        {
            ("status", "ExecutionStatus = 'Running'"),
            ("custom keyword", "KubiyaTeam = 'team-07'"),
            ("time range", $"StartTime BETWEEN '{from}' AND '{to}'"),
            ("keyword + status", "KubiyaTeam = 'team-07' AND ExecutionStatus = 'Terminated'"),
        };

        Console.WriteLine($"{"query",-18} {"rows",5} {"server p50",11} {"server p95",11} {"client p50",11} {"client p95",11}  target");
        foreach (var (name, query) in queries)
        {
            for (var i = 0; i < 5; i++) await client.ListWorkflowsPaginatedAsync(query, null, new() { PageSize = 100 });
            server.ClearOutput();
            var round = new List<double>();
            var rows = 0;
            for (var i = 0; i < Runs; i++)
            {
                var t = Stopwatch.StartNew();
                var page = await client.ListWorkflowsPaginatedAsync(query, null, new() { PageSize = 100 });
                round.Add(t.Elapsed.TotalMilliseconds);
                rows = page.Workflows.Count;
            }
            await Task.Delay(200); // let the server's log lines arrive
            var serverMs = server.Output
                .Select(l => Regex.Match(l, @"List '.*' returned \d+ rows in ([\d.]+) ms"))
                .Where(m => m.Success)
                .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
                .ToList();
            var p95 = Percentile(serverMs, 0.95);
            Console.WriteLine($"{name,-18} {rows,5} {Percentile(serverMs, 0.5),8:F2} ms {p95,8:F2} ms {Percentile(round, 0.5),8:F2} ms {Percentile(round, 0.95),8:F2} ms  {(p95 <= TargetMs ? "ok" : "MISSED")} (<= {TargetMs} ms)");
        }

        var count = Stopwatch.StartNew();
        var grouped = await client.CountWorkflowsAsync("GROUP BY ExecutionStatus");
        Console.WriteLine($"count grouped by status: {string.Join(", ", grouped.Groups.Select(g => $"{g.GroupValues.Single()}={g.Count}"))} in {count.Elapsed.TotalMilliseconds:F1} ms (client)");
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
