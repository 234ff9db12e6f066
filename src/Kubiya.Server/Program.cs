using System.Net;
using Kubiya.Server;
using Kubiya.Server.Engine;
using Kubiya.Server.Rpc;
using Kubiya.Server.Security;
using Kubiya.Server.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

ServerOptions options;
try
{
    options = ServerOptions.Parse(args);
}
catch (ServerOptions.HelpRequested)
{
    Console.WriteLine(ServerOptions.Usage);
    return 0;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"Kubiya.Server: {ex.Message}");
    Console.Error.WriteLine(ServerOptions.Usage);
    return 2;
}

OwnerOnly.RestrictNewFiles(Path.GetDirectoryName(Path.GetFullPath(options.DbPath))!);
// No configuration files are read from the working directory, and none is watched: the default
// reload-on-change puts a recursive file watcher on the content root (often a busy build tree).
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
{
    Args = ["--hostBuilder:reloadConfigOnChange=false"],
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
builder.Logging.SetMinimumLevel(Enum.TryParse<LogLevel>(options.LogLevel, true, out var lvl) ? lvl : LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    // The SDK multiplexes every long poll over one connection; Kestrel's default of 100 stalls it.
    k.Limits.Http2.MaxStreamsPerConnection = 10_000;
    k.Limits.Http2.InitialConnectionWindowSize = 4 * 1024 * 1024;
    k.Limits.Http2.InitialStreamWindowSize = 1024 * 1024;
    k.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
    k.Limits.MaxRequestBodySize = null;
    k.Listen(IPAddress.Parse(options.Bind), options.Port, l =>
    {
        l.Protocols = HttpProtocols.Http2;
        if (options.TlsCertPath != null)
            l.UseHttps(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(options.TlsCertPath, options.TlsKeyPath));
    });
    if (options.MetricsPort is { } metricsPort) Kubiya.Server.Metrics.MetricsListener.Listen(k, options.Bind, metricsPort);
});
builder.Services.AddSingleton(options);
SqliteStore store;
try
{
    store = new SqliteStore(options.DbPath);
}
catch (Exception ex) when (ex is DatabaseInUseException || ex is StorageNotWritableException)
{
    Console.Error.WriteLine($"Kubiya.Server: {ex.Message}");
    return 1;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"Kubiya.Server: cannot open database '{options.DbPath}': {ex.Message}");
    return 1;
}
builder.Services.AddSingleton(store);
ServerSecret secret;
try
{
    secret = options.ApiKey is { Length: > 0 } apiKey
        ? new ServerSecret(apiKey, "Missing or invalid API key (authorization: Bearer <key>).")
        : options.NoAuth
            ? new ServerSecret(null, "")
            : new ServerSecret(ServerToken.LoadOrCreate(options.EffectiveTokenFile),
                $"Missing or invalid server token: this server accepts only callers that send the token from its owner-only file {options.EffectiveTokenFile} (authorization: Bearer <token>).");
}
catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Kubiya.Server: cannot create or read the token file '{options.EffectiveTokenFile}': {ex.Message}");
    return 1;
}
builder.Services.AddSingleton(secret);
builder.Services.AddSingleton(new EngineLimits
{
    EagerActivities = !options.NoEagerActivities,
    ResumeGrace = options.ResumeGrace,
    SuggestContinueAsNewEvents = options.SuggestContinueAsNewEvents,
    SuggestContinueAsNewBytes = options.SuggestContinueAsNewBytes,
});
builder.Services.AddSingleton<WorkflowEngine>();
builder.Services.AddSingleton<StorageHealth>();
builder.Services.AddSingleton<WorkflowServiceHandler>();
builder.Services.AddSingleton<OperatorServiceHandler>();
// Interceptors resolved from DI as singletons: otherwise gRPC creates each one per call.
builder.Services.AddSingleton<AuthInterceptor>();
builder.Services.AddSingleton<ErrorInterceptor>();
builder.Services.AddGrpc(o =>
{
    o.MaxReceiveMessageSize = 16 * 1024 * 1024;
    o.MaxSendMessageSize = null;
    o.EnableDetailedErrors = false;
    o.Interceptors.Add<AuthInterceptor>();
    o.Interceptors.Add<ErrorInterceptor>();
});
// Bound by the API's naming rule, not its protobuf descriptors: building those was about a
// third of a start (ServiceShape).
builder.Services.AddSingleton<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<WorkflowServiceHandler>>(
    new ServiceMethodBinder<WorkflowServiceHandler>(ServiceShape.WorkflowService()));
builder.Services.AddSingleton<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<OperatorServiceHandler>>(
    new ServiceMethodBinder<OperatorServiceHandler>(ServiceShape.OperatorService()));
ServerExtensions.Configure(builder.Services);
HealthEndpoint.Configure(builder.Services);

var app = builder.Build();
if (options.MetricsPort is { } metricsPortMap) Kubiya.Server.Metrics.MetricsListener.Map(app, metricsPortMap);
app.MapGrpcService<WorkflowServiceHandler>();
app.MapGrpcService<OperatorServiceHandler>();
HealthEndpoint.Map(app);

var rpcLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Kubiya.Server.Rpc");
MalformedRequests.Log = line => rpcLog.LogWarning("{Line}", line);
var engine = app.Services.GetRequiredService<WorkflowEngine>();
engine.NexusRequestTimeout = options.NexusRequestTimeout;
engine.Storage = app.Services.GetRequiredService<StorageHealth>();
ServerExtensions.Attach(app.Services, engine);
if (options.MetricsPort != null) Kubiya.Server.Metrics.ServerMetrics.Attach(engine, app.Services.GetRequiredService<Kubiya.Server.Visibility.VisibilityService>());
var resumed = await engine.RecoverAsync();
// After the runs: deadlines of attempts that were running get the same restart grace.
resumed += await engine.Standalone!.RecoverAsync();
try
{
    await app.StartAsync();
}
catch (Exception ex) when (ex is IOException || ex is System.Net.Sockets.SocketException)
{
    Console.Error.WriteLine($"Kubiya.Server: cannot listen on {options.Bind}:{options.Port}: {ex.Message}");
    return 1;
}
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => options.MetricsPort == null || new Uri(a).Port != options.MetricsPort);
var port = new Uri(address).Port;
Console.WriteLine($"Kubiya.Server ready on {options.Bind}:{port} (db {Path.GetFullPath(options.DbPath)}, {resumed} open executions resumed)");
Console.Out.Flush();
await app.WaitForShutdownAsync();
await engine.DisposeAsync();
await engine.Standalone!.DisposeAsync();
store.Dispose();
return 0;
