using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Kubiya.Server.Rpc;

/// <summary>
/// Turns unexpected exceptions into Internal errors with a readable message (never a crash),
/// (callers are authenticated before, by <see cref="Security.AuthInterceptor"/>).
/// </summary>
public sealed class ErrorInterceptor : Interceptor
{
    private readonly ILogger<ErrorInterceptor> log;
    private readonly ServerOptions options;

    public ErrorInterceptor(ILogger<ErrorInterceptor> log, ServerOptions options)
    {
        this.log = log;
        this.options = options;
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException ex)
        {
            throw Engine.ServerErrors.InvalidArgument("Malformed request: " + ex.Message);
        }
        catch (Exception ex) when (Storage.StorageHealth.IsDiskFull(ex))
        {
            // Logged once per state change by StorageHealth; Unavailable lets clients retry.
            throw new RpcException(new Status(StatusCode.Unavailable, "The server's disk is full; the change was not recorded. It succeeds once space is freed."));
        }
        catch (Exception ex)
        {
            log.LogError(ex, "{Method} failed", context.Method);
            throw new RpcException(new Status(StatusCode.Internal, $"Internal server error in {context.Method}: {ex.Message}"));
        }
    }
}
