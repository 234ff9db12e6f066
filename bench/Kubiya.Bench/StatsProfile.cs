using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Kubiya.Bench;

/// <summary>
/// Where a stats listing's time goes: the server's own handler time (from its
/// <c>kubiya_server_rpc_duration_seconds</c> histogram), the client's protobuf decoding (the
/// responses parsed again from their bytes), and the rest (transport, the SDK's bridge, waiting
/// for a core on a loaded machine), for one sequential listing at each page size.
/// </summary>
public static class StatsProfile
{
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static async Task RunAsync(TemporalClient client, int metricsPort, string query, params int[] pageSizes)
    {
        using var http = new HttpClient();
        foreach (var size in pageSizes)
        {
            var before = await ServerSecondsAsync(http, metricsPort);
            var pages = new List<byte[]>();
            var watch = Stopwatch.StartNew();
            var token = Google.Protobuf.ByteString.Empty;
            var rows = 0;
            do
            {
                var page = await client.Connection.WorkflowService.ListWorkflowExecutionsAsync(new ListWorkflowExecutionsRequest
                {
                    Namespace = client.Options.Namespace,
                    Query = query,
                    PageSize = size,
                    NextPageToken = token,
                });
                rows += page.Executions.Count;
                pages.Add(Google.Protobuf.MessageExtensions.ToByteArray(page));
                token = page.NextPageToken;
            }
            while (!token.IsEmpty);
            var wall = watch.Elapsed.TotalMilliseconds;
            var server = (await ServerSecondsAsync(http, metricsPort) - before) * 1000;
            var decode = Stopwatch.StartNew();
            foreach (var bytes in pages) ListWorkflowExecutionsResponse.Parser.ParseFrom(bytes);
            var decodeMs = decode.Elapsed.TotalMilliseconds;
            Console.WriteLine($"profile, page size {size}: {rows:N0} rows in {pages.Count} page(s), {pages.Sum(p => p.Length) / 1024.0 / 1024.0:F1} MB: " +
                $"wall {wall:F0} ms = server handler {server:F0} ms + client decode {decodeMs:F0} ms + transport/bridge/scheduling {Math.Max(0, wall - server - decodeMs):F0} ms");
        }
    }

    /// <summary>The server's summed ListWorkflowExecutions handler time so far.</summary>
    private static async Task<double> ServerSecondsAsync(HttpClient http, int port)
    {
        var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        var m = Regex.Match(text, @"^kubiya_server_rpc_duration_seconds_sum\{[^}]*method=""ListWorkflowExecutions""[^}]*\} ([0-9.eE+-]+)", RegexOptions.Multiline);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
