using Google.Protobuf.Reflection;
using Kubiya.Server.Rpc;

namespace Kubiya.Tests.ServerProcessTests;

/// <summary>
/// The server binds its gRPC methods by the Temporal API's naming rule instead of building the
/// protobuf descriptors at start; the rule must find exactly the methods the descriptors name,
/// with the same request and response messages, or a call would go unbound.
/// </summary>
[Trait("Category", "ServerProcess")]
public sealed class ServiceShapeTests
{
    public static TheoryData<string> Services => new() { "WorkflowService", "OperatorService" };

    [Theory]
    [MemberData(nameof(Services))]
    public void NamingRuleFindsExactlyTheDescriptorsMethods(string service)
    {
        var (byRule, descriptor) = service == "WorkflowService"
            ? (ServiceShape.WorkflowService(), Temporalio.Api.WorkflowService.V1.ServiceReflection.Descriptor.Services[0])
            : (ServiceShape.OperatorService(), Temporalio.Api.OperatorService.V1.ServiceReflection.Descriptor.Services[0]);
        var byDescriptor = ServiceShape.FromDescriptor(descriptor);

        Assert.Equal(byDescriptor.FullName, byRule.FullName);
        Assert.Equal(byDescriptor.Name, byRule.Name);
        // Every method of the service is unary: a streaming one would need its own binding.
        Assert.Equal(descriptor.Methods.Count, byDescriptor.Methods.Count);
        Assert.Equal(
            byDescriptor.Methods.Select(Describe).OrderBy(x => x, StringComparer.Ordinal),
            byRule.Methods.Select(Describe).OrderBy(x => x, StringComparer.Ordinal));
        Assert.Contains(byRule.Methods, m => m.Name == (service == "WorkflowService" ? "StartWorkflowExecution" : "ListSearchAttributes"));
    }

    private static string Describe(ServiceMethod m) => $"{m.Name}({m.Request.FullName}) -> {m.Response.FullName}";
}
