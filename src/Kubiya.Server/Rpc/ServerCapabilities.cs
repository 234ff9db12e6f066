using Temporalio.Api.Namespace.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Rpc;

/// <summary>
/// What the server tells SDKs it does (GetSystemInfo and DescribeNamespace). SDKs change their
/// behaviour on these flags (a worker that reads worker_poll_complete_on_shutdown waits for the
/// server to end its polls), so each one is true only where the server really does it.
/// </summary>
public static class ServerCapabilities
{
    /// <summary>GetSystemInfo capabilities.</summary>
    public static GetSystemInfoResponse.Types.Capabilities System() => new()
    {
        SignalAndQueryHeader = true,
        InternalErrorDifferentiation = true,
        ActivityFailureIncludeHeartbeat = true,
        SupportsSchedules = true,
        EncodedFailureAttributes = true,
        UpsertMemo = true,
        EagerWorkflowStart = true, // WorkflowEngine.EagerStart.cs
        SdkMetadata = true,
        CountGroupByExecutionStatus = true,
        BuildIdBasedVersioning = false,
        Nexus = true, // Nexus endpoints, tasks and operations
    };

    /// <summary>DescribeNamespace capabilities (the same for every namespace).</summary>
    public static NamespaceInfo.Types.Capabilities Namespace() => new()
    {
        EagerWorkflowStart = true,
        SyncUpdate = true,
        AsyncUpdate = true,
        // Polls carrying a worker instance key end when ShutdownWorker names it (Engine/WorkerShutdowns.cs).
        WorkerPollCompleteOnShutdown = true,
        // StartActivityExecution and the rest of the standalone activity API (Engine/Standalone).
        StandaloneActivities = true,
    };
}
