using System;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Kubiya.Core.Metrics
{
    /// <summary>
    /// The Temporal SDK's own metrics (polls, task latencies, slots): its runtime telemetry
    /// exports them in the Prometheus format on a private loopback port, and the worker's
    /// <c>/metrics</c> serves them after its own.
    /// </summary>
    public sealed class SdkMetrics
    {
        private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        private SdkMetrics(string bindAddress) => BindAddress = bindAddress;

        /// <summary>Where the SDK's exporter listens (<c>127.0.0.1:PORT</c>).</summary>
        public string BindAddress { get; }

        /// <summary>
        /// Turns the SDK's exporter on for this process; null when the process's Temporal runtime
        /// already runs without it (a PowerShell session that connected before its first worker).
        /// </summary>
        public static SdkMetrics? TryEnable()
        {
            if (Connection.CoreRuntime.PrometheusAddress is { } existing) return new SdkMetrics(existing);
            var address = $"127.0.0.1:{FreePort()}";
            return Connection.CoreRuntime.TryEnablePrometheus(address) ? new SdkMetrics(address) : null;
        }

        /// <summary>The SDK's exposition text, or null when it cannot be read now.</summary>
        public async Task<string?> ScrapeAsync(CancellationToken ct)
        {
            try
            {
                using var response = await Http.GetAsync($"http://{BindAddress}/metrics", ct).ConfigureAwait(false);
                return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync().ConfigureAwait(false) : null;
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is TaskCanceledException)
            {
                return null;
            }
        }

        private static int FreePort()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }
    }
}
