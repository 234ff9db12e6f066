using System;
using Kubiya.Core.Errors;
using Temporalio.Client.Schedules;
using Temporalio.Exceptions;

namespace Kubiya.Core.Schedules
{
    /// <summary>Turns Temporal schedule RPC failures into <see cref="KubiyaException"/>s in the user's terms.</summary>
    internal static class ScheduleErrors
    {
        public static Exception Translate(Exception ex, string name)
        {
            if (ex is KubiyaException || ex is OperationCanceledException) return ex;
            if (ex is ScheduleAlreadyRunningException)
                return new KubiyaException(KubiyaErrorKind.InvalidState, "ScheduleExists", $"A schedule named '{name}' already exists; change it with Set-KubiyaSchedule or remove it first.", name, ex);
            if (ex is RpcException rpc)
            {
                switch (rpc.Code)
                {
                    case RpcException.StatusCode.NotFound:
                        return new KubiyaException(KubiyaErrorKind.NotFound, "ScheduleNotFound", $"No schedule named '{name}'.", name, ex);
                    case RpcException.StatusCode.InvalidArgument:
                        return new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidSchedule", $"Schedule '{name}' is not valid: {rpc.Message}", name, ex);
                    case RpcException.StatusCode.FailedPrecondition:
                        return new KubiyaException(KubiyaErrorKind.InvalidState, "ScheduleChanged", $"Schedule '{name}' was changed by someone else meanwhile; try again.", name, ex);
                    case RpcException.StatusCode.Unavailable:
                    case RpcException.StatusCode.DeadlineExceeded:
                        return new KubiyaException(KubiyaErrorKind.ServerUnreachable, "TemporalUnreachable", $"The Temporal server did not answer: {Connection.TransportReason.Describe(rpc.Message)}.", name, ex);
                    case RpcException.StatusCode.Unimplemented:
                        return new KubiyaException(KubiyaErrorKind.Internal, "SchedulesNotSupported", $"The Temporal server does not support schedules: {rpc.Message}", name, ex);
                }
            }
            return new KubiyaException(KubiyaErrorKind.Internal, "TemporalError", ex.Message, name, ex);
        }
    }
}
