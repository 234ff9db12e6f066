using System;
using Kubiya.Core.Errors;
using Temporalio.Exceptions;

namespace Kubiya.Core.Errors
{
    /// <summary>Turns Temporal RPC failures into <see cref="KubiyaException"/>s with specific ids.</summary>
    internal static class RpcErrors
    {
        public static Exception Translate(Exception ex, string executionId)
        {
            if (ex is KubiyaException || ex is OperationCanceledException) return ex;
            if (ex is RpcException rpc)
            {
                switch (rpc.Code)
                {
                    case RpcException.StatusCode.NotFound when rpc.Message.IndexOf("namespace", StringComparison.OrdinalIgnoreCase) >= 0:
                        return new KubiyaException(KubiyaErrorKind.NotFound, "NamespaceNotFound", $"The Temporal namespace does not exist: {rpc.Message}", executionId, ex);
                    case RpcException.StatusCode.NotFound:
                        return new KubiyaException(KubiyaErrorKind.NotFound, "ExecutionNotFound", $"No execution with id '{executionId}'.", executionId, ex);
                    case RpcException.StatusCode.InvalidArgument:
                        return new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidExecutionId", $"'{executionId}' is not a valid execution id: {rpc.Message}", executionId, ex);
                    case RpcException.StatusCode.Unavailable:
                    case RpcException.StatusCode.DeadlineExceeded:
                        return new KubiyaException(KubiyaErrorKind.ServerUnreachable, "TemporalUnreachable", $"The Temporal server did not answer: {Connection.TransportReason.Describe(rpc.Message)}.", executionId, ex);
                    case RpcException.StatusCode.Unimplemented:
                        return new KubiyaException(KubiyaErrorKind.Internal, "NotSupportedByServer", $"The Temporal server does not support this operation: {rpc.Message}", executionId, ex);
                }
            }
            return new KubiyaException(KubiyaErrorKind.Internal, "TemporalError", ex.Message, executionId, ex);
        }
    }
}
