using Kubiya.Core;
using Kubiya.Core.Errors;
using Kubiya.Core.WebUI;
using Kubiya.Core.Workers;
using Kubiya.WebUI;
using Microsoft.Extensions.Logging;

namespace Kubiya.Cli.WebUI;

/// <summary>
/// The web UI a CLI worker serves beside itself (foreground and daemon workers): started after the
/// worker polls, announced in the worker's log (the only place with the token), published without
/// the token in the queue's <c>webui.url</c>, stopped with the worker.
/// </summary>
internal sealed class WorkerWebUI : IAsyncDisposable
{
    private readonly WebUIServer server;
    private readonly WorkerPaths paths;

    private WorkerWebUI(WebUIServer server, WorkerPaths paths)
    {
        this.server = server;
        this.paths = paths;
    }

    /// <summary>Starts the UI for <paramref name="host"/>; null (said in the log) when it cannot be served.</summary>
    public static async Task<WorkerWebUI?> StartAsync(KubiyaRuntime runtime, WorkerHost host, WorkerPaths paths, int port, string workingDirectory, string? modelConfig, CancellationToken ct)
    {
        var logger = host.CreateLogger("Kubiya.WebUI");
        var options = new WebUIOptions
        {
            Port = port,
            Queue = paths.QueueId,
            WorkingDirectory = workingDirectory,
            ModelConfigPath = modelConfig,
            Worker = new WebUIWorker { Pid = Environment.ProcessId, StartedAt = host.StartedAt, State = () => host.State.ToString().ToLowerInvariant(), LogFile = paths.LogFile },
        };
        try
        {
            var server = await WebUIServer.StartAsync(runtime, options, CliViews.Instance, ct);
            if (server.PortMoved) logger.LogWarning("Web UI port {Requested} is taken: using {Port}", port, server.Port);
            logger.LogInformation("Web UI: {Url}", server.Url);
            WebUIAddress.Write(paths, server.BaseUrl, Environment.ProcessId);
            return new WorkerWebUI(server, paths);
        }
        catch (KubiyaException ex)
        {
            logger.LogWarning("Web UI not served: {Reason}", ex.Message);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        WebUIAddress.Remove(paths, Environment.ProcessId);
        await server.DisposeAsync();
    }
}
