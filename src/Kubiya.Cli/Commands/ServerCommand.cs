using System.CommandLine;
using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.Output;
using Kubiya.Core.Connection;
using Kubiya.Core.Errors;

namespace Kubiya.Cli.Commands;

/// <summary><c>kubiya server start|stop|status</c>: the embedded Temporal-compatible server of this Kubiya home.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var server = new Command("server", "The embedded server (used when no Temporal address is configured): 127.0.0.1:7233, data in ~/.kubiya/server.");

        var start = new Command("start", "Start the embedded server in the background unless it already runs.");
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Serve the server's Prometheus metrics (RPCs, open executions, task backlog) at http://127.0.0.1:N/metrics." };
        start.Add(metricsPort);
        start.SetAction(async ctx =>
        {
            RefuseConfigured(ctx, "start");
            var settings = ctx.Runtime.Settings;
            var metrics = ctx.Get(metricsPort);
            if (metrics is int bad && (bad < 1 || bad > 65535))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidMetricsPort", $"--metrics-port must be 1-65535, not {bad}.", bad);
            if (metrics == settings.EmbeddedServerPort)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidMetricsPort", $"--metrics-port {metrics} is the server's own port; choose another.", metrics);
            var wasRunning = await EmbeddedServer.IsListeningAsync(settings.EmbeddedServerPort);
            // Metrics are a start-time option: a server that already runs without them is not restarted behind the user's back.
            if (wasRunning && metrics is int m && !await EmbeddedServer.IsListeningAsync(m))
                throw new KubiyaException(KubiyaErrorKind.InvalidState, "ServerAlreadyRunning",
                    $"The embedded server already runs on 127.0.0.1:{settings.EmbeddedServerPort} without metrics on port {m}; run kubiya server stop first.", m);
            await EmbeddedServer.EnsureRunningAsync(settings, null, metrics, ctx.Cancellation);
            var view = ServerView.From(await EmbeddedServerControl.StatusAsync(settings));
            ctx.Output.Result(view, w =>
            {
                view.WriteText(w);
                if (metrics is int port) w.WriteLine($"{"Metrics:",-10} http://127.0.0.1:{port}/metrics");
            });
            return ExitCodes.Ok;
        });

        var stop = new Command("stop", "Stop the embedded server this Kubiya home started.");
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for a clean exit before killing it.", DefaultValueFactory = _ => 30 };
        stop.Add(timeout);
        stop.SetAction(async ctx =>
        {
            RefuseConfigured(ctx, "stop");
            var stopped = await EmbeddedServerControl.StopAsync(ctx.Runtime.Settings, TimeSpan.FromSeconds(ctx.Get(timeout)), ctx.Cancellation);
            var view = ServerView.From(await EmbeddedServerControl.StatusAsync(ctx.Runtime.Settings));
            ctx.Output.Result(view, w => w.WriteLine(stopped ? $"Embedded server on {view.Address} stopped." : $"Embedded server on {view.Address} is not running."));
            return ExitCodes.Ok;
        });

        var status = new Command("status", "Show the server: address, state, pid, data. Exit code 0 when it answers, 3 when it does not.");
        status.SetAction(async ctx =>
        {
            var s = await EmbeddedServerControl.StatusAsync(ctx.Runtime.Settings);
            var up = s.Listening;
            if (s.ConfiguredAddress != null)
            {
                try
                {
                    await ctx.Runtime.ConnectAsync(ctx.Cancellation);
                    up = true;
                }
                catch (KubiyaException ex) when (ex.Kind == KubiyaErrorKind.ServerUnreachable)
                {
                    up = false;
                }
            }
            var view = ServerView.From(s, up);
            ctx.Output.Result(view, view.WriteText);
            return up ? ExitCodes.Ok : ExitCodes.Unreachable;
        });

        server.Add(start);
        server.Add(stop);
        server.Add(status);
        return server;
    }

    private static void RefuseConfigured(CommandContext ctx, string verb)
    {
        if (ctx.Runtime.Settings.TemporalAddress is { } address)
            throw new KubiyaException(KubiyaErrorKind.InvalidState, "TemporalAddressConfigured",
                $"A Temporal address is configured ({address}); the embedded server is only used when none is, so there is nothing to {verb}.", address);
    }
}
