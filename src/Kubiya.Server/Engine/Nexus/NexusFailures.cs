using Google.Protobuf;
using Temporalio.Api.Enums.V1;
using Failure = Temporalio.Api.Failure.V1.Failure;

namespace Kubiya.Server.Engine.Nexus;

/// <summary>
/// The failures a caller workflow sees for a Nexus operation: always a NexusOperationFailure
/// naming the operation, whose cause says what went wrong (the handler's error, the handler
/// workflow's failure, a cancel, a timeout).
/// </summary>
public static class NexusFailures
{
    /// <summary>Handler error types that retrying cannot fix (Nexus RPC specification).</summary>
    private static readonly HashSet<string> NonRetryableTypes = new(StringComparer.Ordinal)
    {
        "BAD_REQUEST", "UNAUTHENTICATED", "UNAUTHORIZED", "NOT_FOUND", "NOT_IMPLEMENTED",
    };

    /// <summary>The NexusOperationFailure wrapper around <paramref name="cause"/>.</summary>
    public static Failure Wrap(NexusOperationInfo op, Failure cause) => new()
    {
        Message = "nexus operation completed unsuccessfully",
        Source = "Server",
        NexusOperationExecutionFailureInfo = new()
        {
            ScheduledEventId = op.ScheduledEventId,
            Endpoint = op.Endpoint,
            Service = op.Service,
            Operation = op.Operation,
            OperationToken = op.OperationToken,
            OperationId = op.OperationToken,
        },
        Cause = cause,
    };

    /// <summary>A handler-level error (the request failed, not the operation), as the SDK turns it into a HandlerException.</summary>
    public static Failure HandlerError(string type, string message, bool retryable, Failure? cause = null) => new()
    {
        Message = message,
        NexusHandlerFailureInfo = new()
        {
            Type = type,
            RetryBehavior = retryable ? NexusHandlerErrorRetryBehavior.Retryable : NexusHandlerErrorRetryBehavior.NonRetryable,
        },
        Cause = cause,
    };

    public static Failure Canceled(string message) => new() { Message = message, CanceledFailureInfo = new() };

    public static Failure Timeout(TimeoutType type) => new()
    {
        Message = "operation timed out",
        Source = "Server",
        TimeoutFailureInfo = new() { TimeoutType = type },
    };

    /// <summary>Whether a handler error may succeed on a later attempt.</summary>
    public static bool IsRetryable(string type, NexusHandlerErrorRetryBehavior behavior) => behavior switch
    {
        NexusHandlerErrorRetryBehavior.Retryable => true,
        NexusHandlerErrorRetryBehavior.NonRetryable => false,
        _ => !NonRetryableTypes.Contains(type ?? ""),
    };

    /// <summary>
    /// A Nexus protocol failure as a Temporal failure. SDKs put the Temporal failure itself in the
    /// details (JSON, metadata type temporal.api.failure.v1.Failure); otherwise the message is all there is.
    /// </summary>
    public static Failure FromNexus(Temporalio.Api.Nexus.V1.Failure? f)
    {
        if (f == null) return new Failure { Message = "nexus operation failed" };
        if (f.Metadata.TryGetValue("type", out var type) && type == Failure.Descriptor.FullName && !f.Details.IsEmpty)
        {
            try
            {
                var parsed = JsonParser.Default.Parse<Failure>(f.Details.ToStringUtf8());
                if (string.IsNullOrEmpty(parsed.Message)) parsed.Message = f.Message;
                return parsed;
            }
            catch (InvalidProtocolBufferException) { /* fall back to the message */ }
        }
        return new Failure
        {
            Message = f.Message,
            StackTrace = f.StackTrace,
            ApplicationFailureInfo = new() { Type = "NexusFailure" },
            Cause = f.Cause == null ? null : FromNexus(f.Cause),
        };
    }
}
