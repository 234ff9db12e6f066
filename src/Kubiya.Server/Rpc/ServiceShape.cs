using System.Reflection;
using Google.Protobuf;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Kubiya.Server.Rpc;

/// <summary>One unary method of a gRPC service: its name and its request and response messages.</summary>
public sealed record ServiceMethod(string Name, Type Request, Type Response);

/// <summary>The unary methods of a gRPC service, with the service's full and short names.</summary>
public sealed record ServiceShape(string FullName, string Name, IReadOnlyList<ServiceMethod> Methods)
{
    private const string RequestSuffix = "Request";
    private const string ResponseSuffix = "Response";

    /// <summary>
    /// From the service's protobuf descriptor. Building it builds the descriptors of every message
    /// of every file the service uses, which took about a third of the server's start.
    /// </summary>
    public static ServiceShape FromDescriptor(ServiceDescriptor service) =>
        new(service.FullName, service.Name, service.Methods
            .Where(m => !m.IsClientStreaming && !m.IsServerStreaming)
            .Select(m => new ServiceMethod(m.Name, m.InputType.ClrType, m.OutputType.ClrType))
            .ToList());

    /// <summary>
    /// From the Temporal API's naming rule instead (every rpc <c>Foo</c> takes <c>FooRequest</c> and
    /// returns <c>FooResponse</c>, top-level messages of the service's package), so no descriptor
    /// is built at start. A test holds this equal to <see cref="FromDescriptor"/> for the services
    /// the server binds, so a new SDK version that broke the rule would fail it.
    /// </summary>
    public static ServiceShape FromNamingRule(Assembly messages, string clrNamespace, string fullName)
    {
        var methods = new List<ServiceMethod>();
        foreach (var request in messages.GetTypes())
        {
            if (request.IsNested || request.Namespace != clrNamespace || !request.Name.EndsWith(RequestSuffix, StringComparison.Ordinal)
                || !typeof(IMessage).IsAssignableFrom(request)) continue;
            var name = request.Name.Substring(0, request.Name.Length - RequestSuffix.Length);
            var response = messages.GetType(clrNamespace + "." + name + ResponseSuffix);
            if (response != null && typeof(IMessage).IsAssignableFrom(response)) methods.Add(new ServiceMethod(name, request, response));
        }
        return new ServiceShape(fullName, fullName.Substring(fullName.LastIndexOf('.') + 1), methods);
    }

    /// <summary>Temporal's WorkflowService.</summary>
    public static ServiceShape WorkflowService() => FromNamingRule(typeof(Temporalio.Api.WorkflowService.V1.GetSystemInfoRequest).Assembly,
        "Temporalio.Api.WorkflowService.V1", "temporal.api.workflowservice.v1.WorkflowService");

    /// <summary>Temporal's OperatorService.</summary>
    public static ServiceShape OperatorService() => FromNamingRule(typeof(Temporalio.Api.OperatorService.V1.ListSearchAttributesRequest).Assembly,
        "Temporalio.Api.OperatorService.V1", "temporal.api.operatorservice.v1.OperatorService");
}
