using Grpc.Health.V1;
using Grpc.HealthCheck;

namespace Kubiya.Server.Rpc;

/// <summary>
/// The standard gRPC health service (<c>grpc.health.v1.Health</c>), as a Temporal frontend serves
/// it: SERVING for the server as a whole ("") and for the WorkflowService, so load balancers,
/// Kubernetes gRPC probes and <c>grpc_health_probe</c> can check the server without a token.
/// </summary>
public static class HealthEndpoint
{
    /// <summary>Path prefix of the health service's methods (exempt from caller authentication).</summary>
    public const string MethodPrefix = "/grpc.health.v1.Health/";

    /// <summary>The service names reported as serving.</summary>
    public static readonly string[] ServiceNames = ["", "temporal.api.workflowservice.v1.WorkflowService", "temporal.api.operatorservice.v1.OperatorService"];

    /// <summary>Registers the health service.</summary>
    public static void Configure(IServiceCollection services)
    {
        var health = new HealthServiceImpl();
        foreach (var name in ServiceNames) health.SetStatus(name, HealthCheckResponse.Types.ServingStatus.Serving);
        services.AddSingleton(health);
    }

    /// <summary>Maps the health service's endpoints.</summary>
    public static void Map(WebApplication app) => app.MapGrpcService<HealthServiceImpl>();
}
