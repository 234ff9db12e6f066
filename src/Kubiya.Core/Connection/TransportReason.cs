using System;

namespace Kubiya.Core.Connection
{
    /// <summary>
    /// Why a connection to Temporal failed, in the user's terms: the SDK's transport errors carry
    /// the Rust client's debug text (<c>tonic::transport::Error(...)</c>), which says nothing to a user.
    /// </summary>
    public static class TransportReason
    {
        /// <summary>A short reason for <paramref name="ex"/> (refused, name not found, timeout, TLS, not a Temporal server...).</summary>
        public static string Describe(Exception ex)
        {
            var e = ex;
            while (e.InnerException != null && (e is AggregateException || e.Message.Length == 0)) e = e.InnerException;
            if (e is TimeoutException) return e.Message.Length > 0 ? $"timed out ({e.Message})" : "timed out";
            return Describe(e.Message);
        }

        /// <summary>A short reason for the transport error text <paramref name="raw"/>.</summary>
        public static string Describe(string raw)
        {
            bool Has(string s) => raw.IndexOf(s, StringComparison.OrdinalIgnoreCase) >= 0;
            if (Has("ConnectionRefused") || Has("Connection refused")) return "connection refused (nothing listens on that address and port)";
            if (Has("dns error") || Has("lookup address") || Has("Name or service not known") || Has("No such host")) return "the host name does not resolve (DNS)";
            if (Has("timed out") || Has("TimedOut") || Has("timeout") || Has("deadline")) return "timed out (no answer from the server)";
            if (Has("certificate") || Has("tls") || Has("handshake") || Has("ssl")) return "the TLS handshake failed (check the TLS settings: temporal.tls, the CA and the client certificate)";
            if (Has("Unauthenticated") || Has("PermissionDenied") || Has("permission denied")) return "the server refused the credentials (KUBIYA_API_KEY or temporal.apiKey)";
            if (Has("grpc-status header missing") || Has("HTTP status code")) return "something answered, but it is not a Temporal frontend (plain HTTP, no gRPC)";
            if (Has("Unimplemented")) return "the server there does not speak the Temporal API";
            if (Has("reset") || Has("broken pipe") || Has("ConnectionAborted") || Has("closed")) return "the connection was closed by the other side";
            if (Has("unreachable") || Has("No route to host")) return "the network or host is unreachable";
            return "the connection failed";
        }
    }
}
