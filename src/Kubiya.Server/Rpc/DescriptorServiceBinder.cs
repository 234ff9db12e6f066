using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Kubiya.Server.Rpc;

/// <summary>
/// Binds a gRPC service from its protobuf descriptor: every unary method for which the
/// handler class has a public method of the same name, taking (request, ServerCallContext)
/// and returning Task of the response. Methods without a handler answer Unimplemented with a
/// message naming the method, so a client can tell which call this server does not support.
/// </summary>
public sealed class DescriptorServiceBinder<THandler> : IServiceMethodProvider<THandler> where THandler : class
{
    private readonly ServiceDescriptor service;

    public DescriptorServiceBinder(ServiceDescriptor service) => this.service = service;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<THandler> context)
    {
        var add = typeof(DescriptorServiceBinder<THandler>).GetMethod(nameof(AddUnary), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var m in service.Methods)
        {
            if (m.IsClientStreaming || m.IsServerStreaming) continue;
            var handler = typeof(THandler).GetMethod(m.Name, BindingFlags.Public | BindingFlags.Instance);
            add.MakeGenericMethod(m.InputType.ClrType, m.OutputType.ClrType)
               .Invoke(null, new object?[] { context, service, m, handler });
        }
    }

    private static void AddUnary<TRequest, TResponse>(ServiceMethodProviderContext<THandler> context, ServiceDescriptor service,
        MethodDescriptor m, MethodInfo? handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var reqParser = (MessageParser<TRequest>)m.InputType.Parser;
        var method = new Method<TRequest, TResponse>(
            MethodType.Unary, service.FullName, m.Name,
            Marshallers.Create<TRequest>(r => r.ToByteArray(), b => MalformedRequests.Parse(reqParser, b, $"{service.Name}.{m.Name}")),
            Marshallers.Create<TResponse>(r => r.ToByteArray(), b => throw new NotSupportedException()));
        if (handler == null)
        {
            var message = $"{service.Name}.{m.Name} is not implemented by Kubiya.Server.";
            context.AddUnaryMethod(method, new List<object>(), (_, _, _) =>
                Task.FromException<TResponse>(new RpcException(new Status(StatusCode.Unimplemented, message))));
            return;
        }
        var invoke = (Func<THandler, TRequest, ServerCallContext, Task<TResponse>>)Delegate.CreateDelegate(
            typeof(Func<THandler, TRequest, ServerCallContext, Task<TResponse>>), handler);
        context.AddUnaryMethod(method, new List<object>(), (svc, req, ctx) => invoke(svc, req, ctx));
    }
}
