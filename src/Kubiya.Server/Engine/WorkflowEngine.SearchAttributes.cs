using Temporalio.Api.Common.V1;

namespace Kubiya.Server.Engine;

public sealed partial class WorkflowEngine
{
    /// <summary>
    /// Why search attributes a workflow command carries are invalid, or null when they are
    /// valid (or no validator is attached). Valid ones are normalized in place.
    /// </summary>
    private string? SearchAttributesProblem(string ns, SearchAttributes? attributes)
    {
        if (ValidateSearchAttributes == null || attributes == null) return null;
        try
        {
            ValidateSearchAttributes(ns, attributes);
            return null;
        }
        catch (Grpc.Core.RpcException ex)
        {
            return ex.Status.Detail;
        }
    }
}
