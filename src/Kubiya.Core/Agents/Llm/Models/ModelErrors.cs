using System;
using System.ClientModel;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>
    /// Turns transport and protocol failures into short, key-free <see cref="ModelCallException"/>s.
    /// Provider error texts are only repeated for request errors (400, 404, 422, 5xx), scrubbed of
    /// anything shaped like a key; auth failures never repeat them (OpenAI echoes a key prefix there).
    /// The raw transport exception is never attached, since its text carries the response body.
    /// </summary>
    internal static class ModelErrors
    {
        private static readonly Regex KeyShaped = new Regex(@"\b(sk|pk|rk|key|api[-_]?key)[-_:=]\s*[A-Za-z0-9_\-\*\.]{3,}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private const int MaxProviderText = 240;

        public static ModelCallException Map(Exception ex, ModelEndpoint endpoint, string? key)
        {
            var model = endpoint.Name;
            var where = Host(endpoint);
            switch (ex)
            {
                case ModelCallException already:
                    return already;
                case ClientResultException http when http.Status == 0:
                    return new ModelCallException(ModelErrorIds.Unreachable,
                        $"Could not reach the endpoint of model '{model}' at {where} ({Connection(http)}).", retryable: true);
                case ClientResultException http:
                    return FromStatus(http, endpoint, where, key);
                case OperationCanceledException _:
                    // Not the caller's token (that is rethrown before mapping): the network timeout.
                    var seconds = (endpoint.Timeout ?? ModelGateway.DefaultTimeout).TotalSeconds;
                    return new ModelCallException(ModelErrorIds.Unreachable,
                        $"Model '{model}' at {where} did not answer within {seconds:0.#} s.", retryable: true);
                case HttpRequestException _:
                case IOException _:
                case SocketException _:
                    return new ModelCallException(ModelErrorIds.Unreachable,
                        $"The connection to the endpoint of model '{model}' at {where} closed before the answer was complete.", retryable: true);
                case JsonException _:
                case FormatException _:
                case InvalidOperationException _:
                    return new ModelCallException(ModelErrorIds.BadResponse,
                        $"The endpoint of model '{model}' at {where} sent an answer that is not a valid chat completion.", retryable: false);
                default:
                    return new ModelCallException(ModelErrorIds.BadResponse,
                        $"The call to model '{model}' at {where} failed: {Scrub(ex.Message, key)}", retryable: false);
            }
        }

        private static ModelCallException FromStatus(ClientResultException http, ModelEndpoint endpoint, string where, string? key)
        {
            var model = endpoint.Name;
            var status = http.Status;
            switch (status)
            {
                case 401:
                case 403:
                    var keyHint = endpoint.ApiKey == null
                        ? "no key is configured for it"
                        : SecretReferenceName(endpoint.ApiKey) is { } variable ? $"check the key in {variable}" : "check its api_key";
                    return new ModelCallException(ModelErrorIds.AuthFailed,
                        $"The endpoint of model '{model}' at {where} refused the API key (HTTP {status}); {keyHint}.", retryable: false);
                case 429:
                    return new ModelCallException(ModelErrorIds.RateLimited,
                        $"Model '{model}' at {where} is rate limited (HTTP 429); try again later.", retryable: true);
                case 404:
                    return new ModelCallException(ModelErrorIds.NotFound,
                        $"The endpoint of model '{model}' at {where} does not serve '{endpoint.ProviderModel}' (HTTP 404){ProviderText(http, key)}.", retryable: false);
                default:
                    var retryable = status >= 500 || status == 408;
                    return new ModelCallException(ModelErrorIds.BadResponse,
                        $"The endpoint of model '{model}' at {where} answered HTTP {status}{ProviderText(http, key)}.", retryable);
            }
        }

        /// <summary>The provider's own error message (OpenAI's <c>error.message</c>), scrubbed and shortened.</summary>
        private static string ProviderText(ClientResultException http, string? key)
        {
            try
            {
                var body = http.GetRawResponse()?.Content?.ToString();
                if (string.IsNullOrWhiteSpace(body)) return "";
                using var doc = JsonDocument.Parse(body!);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error))
                {
                    var text = error.ValueKind == JsonValueKind.String ? error.GetString()
                        : error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    if (!string.IsNullOrWhiteSpace(text)) return ": " + Scrub(text!, key);
                }
            }
            catch (JsonException) { }
            catch (InvalidOperationException) { }
            return "";
        }

        /// <summary>Removes the key itself and anything shaped like a key, and shortens the text.</summary>
        internal static string Scrub(string text, string? key)
        {
            if (!string.IsNullOrEmpty(key)) text = text.Replace(key, "[redacted]");
            text = KeyShaped.Replace(text, "[redacted]");
            text = text.Replace("\r", " ").Replace("\n", " ").Trim().TrimEnd('.');
            return text.Length > MaxProviderText ? text.Substring(0, MaxProviderText) + "..." : text;
        }

        private static string Connection(ClientResultException http)
        {
            for (var inner = http.InnerException; inner != null; inner = inner.InnerException)
            {
                if (inner is SocketException socket)
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "connection refused",
                        SocketError.HostNotFound => "host not found",
                        SocketError.TimedOut => "connection timed out",
                        SocketError.NetworkUnreachable => "network unreachable",
                        _ => "connection failed",
                    };
                if (inner is System.Security.Authentication.AuthenticationException) return "TLS handshake failed";
            }
            return "connection failed";
        }

        /// <summary>scheme://host:port of the endpoint (never a path, query or user info).</summary>
        internal static string Host(ModelEndpoint endpoint) =>
            Uri.TryCreate(endpoint.ApiBase, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority).Replace(uri.UserInfo + "@", "") : "the configured endpoint";

        private static string? SecretReferenceName(string reference)
        {
            if (reference.StartsWith("os.environ/", StringComparison.Ordinal)) return reference.Substring("os.environ/".Length);
            var m = Regex.Match(reference, @"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}");
            return m.Success ? m.Groups[1].Value : null;
        }
    }
}
