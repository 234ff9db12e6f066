using System.CommandLine;
using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.WebUI;
using Kubiya.Core.Processes;
using Kubiya.Core.WebUI;
using Kubiya.Core.Workers;
using Kubiya.WebUI;

namespace Kubiya.Cli.Commands;

/// <summary>
/// <c>kubiya ui</c>: the worker web UI on its own (127.0.0.1, a new token per start) until Ctrl+C;
/// with <c>--queue-id</c> it belongs to that queue's worker (Playground target, pollers, worker log).
/// The module runs it as a child that ends with its PowerShell (hidden <c>--parent-pid</c>): bound to a
/// worker job of that process with <c>--worker-started</c> (Start-KubiyaWorker), or on its own (Start-KubiyaWebUI).
/// </summary>
internal static class UiCommand
{
    public static Command Create()
    {
        var command = new Command("ui", "Serve the worker web UI on 127.0.0.1 (overview, workers, executions, playground, logs, doctor, environment, models) until Ctrl+C.");
        var port = new Option<int>("--port", "-p") { Description = $"First port tried; the next free one is used when it is taken (default {WebUISettings.PortVariable} or {WebUISettings.DefaultPort}; 0 = any free port).", DefaultValueFactory = _ => WebUISettings.Port() };
        var queue = new Option<string?>("--queue-id", "--queue") { Description = "The queue whose worker the UI belongs to (Playground runs go there; its log is shown)." };
        var directory = new Option<string?>("--working-directory") { Description = "Folder agents are looked up from and Playground runs start in (default: the current folder)." };
        var proxyFile = new Option<string?>("--proxy-config-file") { Description = "Model configuration shown on the Models page (LiteLLM model_list YAML; default ~/.kubiya/models.yaml)." };
        var parentPid = new Option<int?>("--parent-pid") { Hidden = true, Description = "Stop when this process is gone (the PowerShell that started the UI)." };
        var workerStarted = new Option<DateTimeOffset?>("--worker-started") { Hidden = true, Description = "The parent process runs the queue's worker, started then." };
        foreach (var o in new Option[] { port, queue, directory, proxyFile, parentPid, workerStarted }) command.Add(o);
        command.SetAction(async ctx =>
        {
            var queueId = ctx.Get(queue);
            if (queueId != null) WorkerPaths.ValidateQueueId(queueId);
            var folder = ctx.Get(directory) is { } d ? Path.GetFullPath(d, ctx.CurrentDirectory) : ctx.CurrentDirectory;
            if (!Directory.Exists(folder))
                throw new Core.Errors.KubiyaException(Core.Errors.KubiyaErrorKind.NotFound, "WorkingDirectoryNotFound", $"The working directory '{folder}' does not exist.", folder);
            var parent = ctx.Get(parentPid);
            var paths = queueId != null ? new WorkerPaths(queueId, ctx.Runtime.Settings.Paths) : null;
            // Only a UI beside its worker speaks for it (Overview, webui.url); a standalone one just ends with its parent.
            var hosted = parent != null && paths != null && ctx.Get(workerStarted) != null;
            var options = new WebUIOptions
            {
                Port = ctx.Get(port),
                Queue = queueId,
                WorkingDirectory = folder,
                ModelConfigPath = ctx.Get(proxyFile) is { } f ? Path.GetFullPath(f, ctx.CurrentDirectory) : null,
                Worker = hosted
                    ? new WebUIWorker { Pid = parent!.Value, StartedAt = ctx.Get(workerStarted)!.Value, LogFile = paths!.LogFile }
                    : null,
            };
            await using var server = await WebUIServer.StartAsync(ctx.Runtime, options, CliViews.Instance, ctx.Cancellation);
            if (hosted) WebUIAddress.Write(paths!, server.BaseUrl, Environment.ProcessId);
            try
            {
                if (server.PortMoved) ctx.Output.Err.WriteLine($"kubiya: port {options.Port} is taken: serving on {server.Port}.");
                ctx.Output.Result(new { url = server.Url, port = server.Port, queueId, pid = Environment.ProcessId },
                    w => w.WriteLine($"Web UI: {server.Url}"));
                if (!ctx.Output.IsStructured) ctx.Output.Err.WriteLine("Press Ctrl+C to stop.");
                await WaitAsync(parent, ctx.Cancellation);
            }
            finally
            {
                if (hosted) WebUIAddress.Remove(paths!, Environment.ProcessId);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Until Ctrl+C / SIGTERM, or until the parent worker process is gone.</summary>
    private static async Task WaitAsync(int? parent, CancellationToken ct)
    {
        var started = parent is { } p ? ProcessProbe.StartTimeUtc(p) : null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(parent == null ? Timeout.Infinite : 500, ct);
                if (parent is { } pid && ProcessProbe.StartTimeUtc(pid) != started) return;
            }
        }
        catch (OperationCanceledException) { }
    }
}
