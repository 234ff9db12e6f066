using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Kubiya.Server.Security;

/// <summary>
/// Refuses every call that does not carry the server's secret as <c>authorization: Bearer SECRET</c>
/// (the owner-only token file by default, or the operator's <c>--api-key</c>) with Unauthenticated.
/// </summary>
public sealed class AuthInterceptor : Interceptor
{
    private readonly byte[]? secret;
    private readonly string hint;

    /// <summary>Creates the interceptor for the server's configured secret (none: every call passes).</summary>
    public AuthInterceptor(ServerSecret secret)
    {
        this.secret = secret.Value is { Length: > 0 } v ? Encoding.UTF8.GetBytes(v) : null;
        hint = secret.Hint;
    }

    /// <inheritdoc />
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    /// <inheritdoc />
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (secret == null) return;
        // Liveness probes (grpc.health.v1) carry no credentials and learn nothing but "serving".
        if (context.Method.StartsWith(Rpc.HealthEndpoint.MethodPrefix, StringComparison.Ordinal)) return;
        var auth = context.RequestHeaders.GetValue("authorization");
        const string Scheme = "Bearer ";
        if (auth != null && auth.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(auth.Substring(Scheme.Length).Trim()), secret))
            return;
        throw new RpcException(new Status(StatusCode.Unauthenticated, hint));
    }
}

/// <summary>The secret callers must present, and what to tell one that does not.</summary>
public sealed record ServerSecret(string? Value, string Hint);
