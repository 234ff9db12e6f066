using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// http_get: refused unless the URL's host is in <see cref="ToolPolicy.HttpAllowHosts"/>
    /// (exact names, or <c>*.example.com</c> for sub-domains). Redirects are followed by hand so
    /// every hop is checked against the same list; the body is read up to a bound.
    /// </summary>
    internal static class HttpGetTool
    {
        private const int MaxRedirects = 5;
        private const int MaxBodyBytes = 1024 * 1024;
        private const double DefaultTimeoutSeconds = 30;
        private static readonly HttpClient Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };

        public static async Task<ToolResult> RunAsync(ToolRequest request, ToolArguments args, int maxBytes, CancellationToken ct)
        {
            var text = args.RequiredString("url").Trim();
            var headers = args.StringMap("headers");
            var limit = request.TimeoutSeconds > 0 ? request.TimeoutSeconds : DefaultTimeoutSeconds;
            var seconds = Math.Min(args.OptionalPositiveNumber("timeoutSeconds") ?? DefaultTimeoutSeconds, limit);
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                throw new ToolException($"http_get: '{text}' is not an absolute http:// or https:// URL");
            var allowed = request.Policy.HttpAllowHosts.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim()).ToList();
            if (allowed.Count == 0)
                throw new ToolException("http_get is off for this agent: its policy allows no hosts (add them under the tool's allowHosts)");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                for (var hop = 0; ; hop++)
                {
                    CheckHost(url, allowed);
                    using var message = new HttpRequestMessage(HttpMethod.Get, url);
                    foreach (var h in headers) message.Headers.TryAddWithoutValidation(h.Key, h.Value);
                    using var response = await Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    if (status >= 300 && status < 400 && response.Headers.Location != null)
                    {
                        if (hop == MaxRedirects) throw new ToolException($"http_get: more than {MaxRedirects} redirects from '{text}'");
                        url = new Uri(url, response.Headers.Location);
                        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
                            throw new ToolException($"http_get: '{text}' redirects to a non-HTTP URL");
                        continue;
                    }
                    var (body, cutBytes) = await ReadBodyAsync(response, linked.Token).ConfigureAwait(false);
                    var bounded = BoundedOutput.Bound(body, maxBytes, out var truncated);
                    var sb = new StringBuilder();
                    sb.Append("HTTP ").Append(status).Append(' ').Append(response.ReasonPhrase).Append('\n');
                    if (url.ToString() != text) sb.Append("url: ").Append(url).Append('\n');
                    var type = response.Content.Headers.ContentType?.ToString();
                    if (type != null) sb.Append("content-type: ").Append(type).Append('\n');
                    sb.Append('\n').Append(bounded);
                    if (cutBytes) sb.Append($"\n[... body cut at {MaxBodyBytes} bytes ...]");
                    return new ToolResult { Output = sb.ToString(), IsError = status >= 400, Truncated = truncated || cutBytes };
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new ToolException($"http_get: no answer from '{url.Host}' within {seconds:0.###}s");
            }
            catch (HttpRequestException ex)
            {
                throw new ToolException($"http_get: could not fetch '{url}': {Innermost(ex).Message}");
            }
        }

        private static void CheckHost(Uri url, List<string> allowed)
        {
            var host = url.IdnHost.TrimEnd('.');
            foreach (var entry in allowed)
            {
                var pattern = entry.ToLowerInvariant().TrimEnd('.');
                if (pattern == "*") return;
                if (pattern.StartsWith("*.", StringComparison.Ordinal))
                {
                    if (host.EndsWith(pattern.Substring(1), StringComparison.OrdinalIgnoreCase)) return;
                }
                else if (string.Equals(host, pattern, StringComparison.OrdinalIgnoreCase)) return;
            }
            throw new ToolException($"http_get: host '{url.Host}' is not in this agent's allowed hosts ({string.Join(", ", allowed)})");
        }

        private static async Task<(string Body, bool Cut)> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
        {
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            var cut = false;
            while (true)
            {
                var read = await stream.ReadAsync(chunk, 0, chunk.Length, ct).ConfigureAwait(false);
                if (read == 0) break;
                var take = (int)Math.Min(read, MaxBodyBytes - buffer.Length);
                buffer.Write(chunk, 0, take);
                if (take < read || buffer.Length >= MaxBodyBytes)
                {
                    cut = take < read || await stream.ReadAsync(chunk, 0, 1, ct).ConfigureAwait(false) > 0;
                    break;
                }
            }
            var bytes = buffer.ToArray();
            if (Array.IndexOf(bytes, (byte)0) >= 0) return ($"(binary body, {bytes.Length}{(cut ? "+" : "")} bytes, not shown)", false);
            return (Encoding.UTF8.GetString(bytes), cut);
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }
    }
}
