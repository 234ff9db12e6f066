using System;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Kubiya.Core.Metrics
{
    /// <summary>
    /// The worker's HTTP endpoint on <c>METRICS_BIND:METRICS_PORT</c>: <c>/metrics</c> (the
    /// prometheus-net registry, then the Temporal SDK's own metrics), <c>/healthz</c> (200 while
    /// the worker lives) and <c>/readyz</c> (200 while it polls). Read-only, no secrets.
    /// </summary>
    public sealed class MetricsEndpoint : IDisposable
    {
        private readonly HttpListener listener = new HttpListener();
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly ILogger logger;
        private readonly Func<bool> alive;
        private readonly Func<bool> ready;
        private readonly SdkMetrics? sdk;
        private Task loop = Task.CompletedTask;

        private MetricsEndpoint(ILogger logger, Func<bool> alive, Func<bool> ready, SdkMetrics? sdk)
        {
            this.logger = logger;
            this.alive = alive;
            this.ready = ready;
            this.sdk = sdk;
        }

        /// <summary>The URL prefix served (e.g. <c>http://127.0.0.1:9090/</c>).</summary>
        public string Prefix { get; private set; } = "";

        /// <summary>Binds and starts serving; a port in use is a <see cref="KubiyaException"/> (<c>MetricsPortInUse</c>).</summary>
        public static MetricsEndpoint Start(string bind, int port, ILogger logger, Func<bool> alive, Func<bool> ready, SdkMetrics? sdk)
        {
            var endpoint = new MetricsEndpoint(logger, alive, ready, sdk);
            var host = bind == "0.0.0.0" || bind == "*" || bind == "::" ? "+" : bind.Contains(":") ? $"[{bind}]" : bind;
            endpoint.Prefix = $"http://{host}:{port}/";
            endpoint.listener.Prefixes.Add(endpoint.Prefix);
            try
            {
                endpoint.listener.Start();
            }
            catch (Exception ex) when (ex is HttpListenerException || ex is System.Net.Sockets.SocketException)
            {
                endpoint.listener.Close();
                throw new KubiyaException(KubiyaErrorKind.InvalidState, "MetricsPortInUse",
                    $"The metrics port {bind}:{port} cannot be opened ({ex.Message}); set METRICS_PORT to a free port or METRICS_ENABLED=false.", port.ToString(System.Globalization.CultureInfo.InvariantCulture), ex);
            }
            endpoint.loop = Task.Run(endpoint.ServeAsync);
            logger.LogInformation("Metrics on {Prefix}metrics (also /healthz and /readyz)", endpoint.Prefix.Replace("+", bind));
            return endpoint;
        }

        private async Task ServeAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync().ConfigureAwait(false); }
                catch (Exception) when (stop.IsCancellationRequested) { return; }
                catch (HttpListenerException) { return; }
                catch (ObjectDisposedException) { return; }
                _ = Task.Run(() => AnswerAsync(ctx));
            }
        }

        private async Task AnswerAsync(HttpListenerContext ctx)
        {
            var response = ctx.Response;
            try
            {
                var path = ctx.Request.Url?.AbsolutePath.TrimEnd('/') ?? "";
                if (ctx.Request.HttpMethod != "GET" && ctx.Request.HttpMethod != "HEAD") await TextAsync(response, 405, "only GET\n").ConfigureAwait(false);
                else if (path == "/metrics") await MetricsAsync(response).ConfigureAwait(false);
                else if (path == "/healthz") await TextAsync(response, alive() ? 200 : 503, alive() ? "ok\n" : "worker stopped\n").ConfigureAwait(false);
                else if (path == "/readyz") await TextAsync(response, ready() ? 200 : 503, ready() ? "ready\n" : "not polling\n").ConfigureAwait(false);
                else await TextAsync(response, 404, "not found: /metrics, /healthz, /readyz\n").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException || ex is IOException || ex is ObjectDisposedException)
            {
                // The scraper went away.
            }
            catch (Exception ex)
            {
                logger.LogWarning("Metrics request failed: {Reason}", ex.Message);
            }
            finally
            {
                try { response.Close(); } catch (Exception) { }
            }
        }

        private async Task MetricsAsync(HttpListenerResponse response)
        {
            using var buffer = new MemoryStream();
            await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(buffer, stop.Token).ConfigureAwait(false);
            if (sdk != null)
            {
                // The SDK exporter's own exposition text: its series are all temporal_*, disjoint from ours.
                var text = await sdk.ScrapeAsync(stop.Token).ConfigureAwait(false);
                if (text != null)
                {
                    var bytes = new UTF8Encoding(false).GetBytes(text.EndsWith("\n") ? text : text + "\n");
                    buffer.Write(bytes, 0, bytes.Length);
                }
            }
            response.StatusCode = 200;
            response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            response.ContentLength64 = buffer.Length;
            buffer.Position = 0;
            await buffer.CopyToAsync(response.OutputStream).ConfigureAwait(false);
        }

        private static async Task TextAsync(HttpListenerResponse response, int status, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            response.StatusCode = status;
            response.ContentType = "text/plain; charset=utf-8";
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
        }

        /// <inheritdoc />
        public void Dispose()
        {
            stop.Cancel();
            try { listener.Stop(); listener.Close(); } catch (ObjectDisposedException) { }
            try { loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        }
    }
}
