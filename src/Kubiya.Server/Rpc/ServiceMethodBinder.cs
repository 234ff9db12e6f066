using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Kubiya.Server.Rpc;

/// <summary>
/// Binds a gRPC service from its <see cref="ServiceShape"/>: every unary method for which the
/// handler class has a public method of the same name, taking (request, ServerCallContext)
/// and returning Task of the response. Methods without a handler answer Unimplemented with a
/// message naming the method, so a client can tell which call this server does not support.
/// </summary>
public sealed class ServiceMethodBinder<THandler> : IServiceMethodProvider<THandler> where THandler : class
{
    private readonly ServiceShape service;

    public ServiceMethodBinder(ServiceShape service) => this.service = service;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<THandler> context)
    {
        var add = typeof(ServiceMethodBinder<THandler>).GetMethod(nameof(AddUnary), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var m in service.Methods)
        {
            var handler = typeof(THandler).GetMethod(m.Name, BindingFlags.Public | BindingFlags.Instance);
            add.MakeGenericMethod(m.Request, m.Response).Invoke(null, new object?[] { context, service, m.Name, handler });
        }
    }

    private static void AddUnary<TRequest, TResponse>(ServiceMethodProviderContext<THandler> context, ServiceShape service,
        string name, MethodInfo? handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        var reqParser = new MessageParser<TRequest>(() => new TRequest());
        var method = new Method<TRequest, TResponse>(
            MethodType.Unary, service.FullName, name,
            Marshallers.Create<TRequest>(r => r.ToByteArray(), b => MalformedRequests.Parse(reqParser, b, $"{service.Name}.{name}")),
            Marshallers.Create<TResponse>(r => r.ToByteArray(), b => throw new NotSupportedException()));
        if (handler == null)
        {
            var message = $"{service.Name}.{name} is not implemented by Kubiya.Server.";
            context.AddUnaryMethod(method, new List<object>(), (_, _, _) =>
                Task.FromException<TResponse>(new RpcException(new Status(StatusCode.Unimplemented, message))));
            return;
        }
        var invoke = (Func<THandler, TRequest, ServerCallContext, Task<TResponse>>)Delegate.CreateDelegate(
            typeof(Func<THandler, TRequest, ServerCallContext, Task<TResponse>>), handler);
        context.AddUnaryMethod(method, new List<object>(), (svc, req, ctx) => invoke(svc, req, ctx));
    }
}
