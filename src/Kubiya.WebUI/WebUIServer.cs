using System.Net;
using System.Net.Sockets;
using Kubiya.Core;
using Kubiya.Core.Errors;
using Kubiya.WebUI.Api;
using Kubiya.WebUI.Assets;
using Kubiya.WebUI.Events;
using Kubiya.WebUI.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kubiya.WebUI;

/// <summary>
/// The worker web UI: Kestrel on 127.0.0.1 (the requested port, else the next free one), every
/// asset embedded, a JSON API under <c>/api</c> and live updates over Server-Sent Events, all
/// behind a random token per start.
/// </summary>
public sealed class WebUIServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping;
    private readonly Task feed;

    private WebUIServer(WebApplication app, WebUIContext context, string token, Task feed, CancellationTokenSource stopping)
    {
        this.app = app;
        Context = context;
        Token = token;
        this.feed = feed;
        this.stopping = stopping;
    }

    internal WebUIContext Context { get; }

    /// <summary>The port it listens on.</summary>
    public int Port => Context.Port;

    /// <summary>The access token of this start.</summary>
    public string Token { get; }

    /// <summary>The address without the token (safe to record in status files).</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}/";

    /// <summary>The address to open: with the token, which the page then keeps in a cookie.</summary>
    public string Url => BaseUrl + "?token=" + Token;

    /// <summary>True when the requested port was taken and another one is used.</summary>
    public bool PortMoved { get; private set; }

    /// <summary>
    /// Starts the UI. When <see cref="WebUIOptions.Port"/> is taken the next free port (up to
    /// <see cref="WebUIOptions.PortAttempts"/> later) is used; a clear error when none is.
    /// </summary>
    public static async Task<WebUIServer> StartAsync(KubiyaRuntime runtime, WebUIOptions options, IWebUIViews views, CancellationToken cancellationToken)
    {
        if (options.Port < 0 || options.Port > 65535)
            throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidWebUIPort", $"The web UI port must be from 0 to 65535 (got {options.Port}).", options.Port);
        var token = options.Token ?? UiToken.New();
        var attempts = options.Port == 0 ? 1 : Math.Min(WebUIOptions.PortAttempts, 65536 - options.Port);
        for (var i = 0; i < attempts; i++)
        {
            var port = options.Port == 0 ? 0 : options.Port + i;
            if (port != 0 && !IsFree(port)) continue;
            var context = new WebUIContext(runtime, options, views);
            var app = Build(context, token, port);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException) when (port != 0)
            {
                await app.DisposeAsync(); // taken between the check and the bind: try the next one
                continue;
            }
            context.Port = BoundPort(app);
            var stopping = new CancellationTokenSource();
            var feed = Task.Run(() => context.Feed.RunAsync(stopping.Token));
            return new WebUIServer(app, context, token, feed, stopping) { PortMoved = options.Port != 0 && context.Port != options.Port };
        }
        throw new KubiyaException(KubiyaErrorKind.InvalidState, "WebUIPortUnavailable",
            $"No free port for the web UI from {options.Port} to {options.Port + attempts - 1} on 127.0.0.1: pass another port, or turn the UI off.", options.Port);
    }

    private static WebApplication Build(WebUIContext ui, string token, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(WebUIServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders(); // the worker's log stays the worker's
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.AddServerHeader = false;
        });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);
        var app = builder.Build();
        var guard = new TokenGuard(token, () => ui.Port);
        app.Use((ctx, next) => guard.InvokeAsync(ctx, next));
        app.MapGet("/", (HttpContext ctx) => EmbeddedAssets.WriteAsync(ctx, "index.html"));
        app.MapGet("/{*path}", (HttpContext ctx, string path) =>
            path.StartsWith("api/", StringComparison.Ordinal) || !EmbeddedAssets.Exists(path)
                ? ApiResults.Error(404, "NotFound", $"Nothing at /{path}.").ExecuteAsync(ctx)
                : EmbeddedAssets.WriteAsync(ctx, path));
        app.MapSystemApi(ui);
        app.MapWorkersApi(ui);
        app.MapLogsApi(ui);
        app.MapEventsApi(ui);
        app.MapExecutionsApi(ui);
        app.MapPlaygroundApi(ui);
        return app;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException) { return false; }
    }

    private static int BoundPort(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address).Port;
    }

    /// <summary>Stops serving: open event streams end, the port is released.</summary>
    public async ValueTask DisposeAsync()
    {
        stopping.Cancel();
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
            try { await app.StopAsync(grace.Token); } catch (Exception) { }
        try { await feed; } catch (Exception) { }
        await app.DisposeAsync();
        stopping.Dispose();
    }
}
