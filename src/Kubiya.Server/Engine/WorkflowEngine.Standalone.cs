using Google.Protobuf;
using Kubiya.Server.Engine.Standalone;

namespace Kubiya.Server.Engine;

/// <summary>
/// Standalone activities share the activity task queues and the worker's completion calls
/// with workflow activities: a task or token of the standalone kind goes to
/// <see cref="StandaloneActivityService"/>, and a by-id call that names no workflow does too.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>The standalone activity executions (null in engine-only set-ups without them).</summary>
    public StandaloneActivityService? Standalone { get; set; }

    private bool IsStandalone(ByteString token) => Standalone != null && StandaloneActivityService.IsStandaloneToken(token);

    private bool IsStandaloneById(string workflowId) => Standalone != null && string.IsNullOrEmpty(workflowId);

    /// <summary>The empty answer of a completed call, or its failure unwrapped (continuation of a standalone call).</summary>
    private static T Done<T>(Task call) where T : new()
    {
        call.GetAwaiter().GetResult();
        return new T();
    }
}
