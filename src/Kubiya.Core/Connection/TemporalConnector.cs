using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Microsoft.Extensions.Logging;
using Temporalio.Client;

namespace Kubiya.Core.Connection
{
    /// <summary>
    /// Opens (and caches, per address / namespace / credentials) the Temporal client. With no
    /// configured address it makes sure the embedded server answers on loopback first.
    /// </summary>
    public static class TemporalConnector
    {
        private static readonly ConcurrentDictionary<string, Lazy<Task<TemporalClient>>> Clients =
            new ConcurrentDictionary<string, Lazy<Task<TemporalClient>>>(StringComparer.Ordinal);

        /// <summary>How long a connection attempt may take.</summary>
        public static TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

        /// <summary>Connects with <paramref name="settings"/>, starting the embedded server when needed.</summary>
        public static async Task<KubiyaConnection> ConnectAsync(KubiyaSettings settings, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
        {
            string? serverToken = null;
            if (settings.TemporalAddress == null)
            {
                await EmbeddedServer.EnsureRunningAsync(settings, loggerFactory, cancellationToken).ConfigureAwait(false);
                serverToken = await EmbeddedServerToken.ReadAsync(settings.Paths, cancellationToken).ConfigureAwait(false);
            }
            var address = settings.EffectiveAddress;
            var key = CacheKey(settings, address, serverToken);
            var lazy = Clients.GetOrAdd(key, _ => new Lazy<Task<TemporalClient>>(() => OpenAsync(settings, address, serverToken, loggerFactory)));
            try
            {
                var client = await WithTimeout(lazy.Value, cancellationToken).ConfigureAwait(false);
                return new KubiyaConnection(client, address, settings.Namespace);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) || !cancellationToken.IsCancellationRequested)
            {
                Clients.TryRemove(key, out _);
                if (ex is KubiyaException) throw;
                if (IsUnauthenticated(ex))
                    throw new KubiyaException(KubiyaErrorKind.ServerUnreachable, "ServerUnauthenticated", serverToken != null
                        ? $"The server on {address} refused this Kubiya home's token ({EmbeddedServerControl.TokenFile(settings.Paths)}): it was started by another account or another Kubiya home. Set KUBIYA_SERVER_PORT to a free port to start your own."
                        : $"Temporal at {address} refused the credentials: set KUBIYA_API_KEY (or temporal.apiKey in config.yaml) to a key it accepts.", address, ex);
                throw new KubiyaException(KubiyaErrorKind.ServerUnreachable, "TemporalUnreachable",
                    $"Cannot reach Temporal at {address} (namespace '{settings.Namespace}'): {TransportReason.Describe(ex)}.", address, ex);
            }
        }

        /// <summary>
        /// Opens the embedded server's client ahead of the command that will need it, when that
        /// server already answers, so the process's first connection (the SDK's native runtime,
        /// the channel, the handshake) overlaps what the front does first. Never starts a server,
        /// never connects anywhere else, never throws; a failure is left to the real connection.
        /// </summary>
        public static async Task PrewarmAsync(KubiyaSettings settings)
        {
            try
            {
                if (settings.TemporalAddress != null) return;
                if (!await EmbeddedServer.IsListeningAsync(settings.EmbeddedServerPort).ConfigureAwait(false)) return;
                var token = File.ReadAllText(EmbeddedServerControl.TokenFile(settings.Paths)).Trim();
                if (token.Length == 0) return;
                var address = settings.EffectiveAddress;
                var key = CacheKey(settings, address, token);
                var lazy = Clients.GetOrAdd(key, _ => new Lazy<Task<TemporalClient>>(() => OpenAsync(settings, address, token, null)));
                try
                {
                    await lazy.Value.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Forget the failed attempt (unless a command already replaced it): the command connects itself and reports why.
                    ((ICollection<KeyValuePair<string, Lazy<Task<TemporalClient>>>>)Clients).Remove(new KeyValuePair<string, Lazy<Task<TemporalClient>>>(key, lazy));
                }
            }
            catch (Exception)
            {
                // Only a head start.
            }
        }

        private static string CacheKey(KubiyaSettings settings, string address, string? serverToken) =>
            string.Join("|", address, settings.Namespace, serverToken ?? settings.ApiKey ?? "", settings.Tls, settings.TlsCertPath ?? "", settings.TlsKeyPath ?? "", settings.TlsCaPath ?? "");

        private static async Task<TemporalClient> WithTimeout(Task<TemporalClient> task, CancellationToken ct)
        {
            var delay = Task.Delay(ConnectTimeout, ct);
            var first = await Task.WhenAny(task, delay).ConfigureAwait(false);
            if (first == task) return await task.ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"no answer within {ConnectTimeout.TotalSeconds:0}s");
        }

        private static Task<TemporalClient> OpenAsync(KubiyaSettings s, string address, string? serverToken, ILoggerFactory? loggerFactory)
        {
            var options = new TemporalClientConnectOptions(address)
            {
                Namespace = s.Namespace,
                Runtime = CoreRuntime.Instance,
                RpcRetry = RpcRetryPolicy.Options,
            };
            if (loggerFactory != null) options.LoggerFactory = loggerFactory;
            if (serverToken != null)
            {
                // The embedded server on loopback: its own token, plaintext (KUBIYA_API_KEY is for
                // a configured Temporal and must not turn TLS on here).
                options.ApiKey = serverToken;
                options.Tls = new TlsOptions { Disabled = true };
                return TemporalClient.ConnectAsync(options);
            }
            if (!string.IsNullOrEmpty(s.ApiKey)) options.ApiKey = s.ApiKey;
            if (s.Tls || s.TlsCertPath != null || s.TlsCaPath != null || !string.IsNullOrEmpty(s.ApiKey) && !IsLoopback(address))
            {
                var tls = new TlsOptions();
                if (s.TlsCaPath != null) tls.ServerRootCACert = ReadPem(s.TlsCaPath);
                if (s.TlsCertPath != null) tls.ClientCert = ReadPem(s.TlsCertPath);
                if (s.TlsKeyPath != null) tls.ClientPrivateKey = ReadPem(s.TlsKeyPath);
                options.Tls = tls;
            }
            else if (!string.IsNullOrEmpty(s.ApiKey))
            {
                // A key for a server on loopback without TLS configured: the SDK would turn TLS on by itself.
                options.Tls = new TlsOptions { Disabled = true };
            }
            return TemporalClient.ConnectAsync(options);
        }

        private static bool IsUnauthenticated(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
            {
                if (e is Temporalio.Exceptions.RpcException rpc && rpc.Code == Temporalio.Exceptions.RpcException.StatusCode.Unauthenticated) return true;
                if (e.Message.IndexOf("Unauthenticated", StringComparison.OrdinalIgnoreCase) >= 0) return true;
            }
            return false;
        }

        private static bool IsLoopback(string address) =>
            address.StartsWith("127.", StringComparison.Ordinal) || address.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) || address.StartsWith("[::1]", StringComparison.Ordinal);

        private static byte[] ReadPem(string path)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "TlsFileUnreadable", $"Cannot read TLS file '{path}': {ex.Message}", path, ex);
            }
        }

    }
}
