using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Temporalio.Api.Common.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// gRPC errors as Temporal sends them: a status code, a readable message and, where the SDK
/// maps it to a typed exception, a failure detail in the grpc-status-details-bin trailer.
/// </summary>
public static class ServerErrors
{
    public static RpcException Make(StatusCode code, string message, IMessage? detail = null)
    {
        var trailers = new Metadata();
        var status = new GrpcStatus { Code = (int)code, Message = message };
        if (detail != null) status.Details.Add(Any.Pack(detail));
        trailers.Add("grpc-status-details-bin", status.ToByteArray());
        return new RpcException(new Status(code, message), trailers, message);
    }

    public static RpcException InvalidArgument(string message) => Make(StatusCode.InvalidArgument, message);

    /// <summary>A valid request for a feature this server does not offer: refused, never silently ignored.</summary>
    public static RpcException Unsupported(string message) => Make(StatusCode.Unimplemented, message);

    public const string CronUnsupported =
        "CronSchedule on a child workflow is not supported by Kubiya.Server; start the child without it, or use a schedule.";

    public static RpcException NotFound(string message) =>
        Make(StatusCode.NotFound, message, new Temporalio.Api.ErrorDetails.V1.NotFoundFailure());

    public static RpcException NamespaceNotFound(string ns) =>
        Make(StatusCode.NotFound, $"Namespace {ns} is not found.", new Temporalio.Api.ErrorDetails.V1.NamespaceNotFoundFailure { Namespace = ns });

    public static RpcException WorkflowNotFound(string workflowId, string? runId = null) =>
        NotFound(string.IsNullOrEmpty(runId)
            ? $"Workflow execution '{workflowId}' not found."
            : $"Workflow execution '{workflowId}' (run '{runId}') not found.");

    public static RpcException AlreadyCompleted() => NotFound("Workflow execution already completed.");

    public static RpcException AlreadyStarted(string message, string requestId, string runId) =>
        Make(StatusCode.AlreadyExists, message,
            new Temporalio.Api.ErrorDetails.V1.WorkflowExecutionAlreadyStartedFailure { StartRequestId = requestId, RunId = runId });
}
