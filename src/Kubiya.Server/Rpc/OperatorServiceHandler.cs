using Kubiya.Server.Engine;

namespace Kubiya.Server.Rpc;

/// <summary>temporal.api.operatorservice.v1.OperatorService: the methods the SDK and the product use.</summary>
public sealed partial class OperatorServiceHandler
{
    private readonly WorkflowEngine engine;

    public OperatorServiceHandler(WorkflowEngine engine) => this.engine = engine;
}
