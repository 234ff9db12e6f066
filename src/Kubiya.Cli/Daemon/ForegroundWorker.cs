using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.WebUI;
using Kubiya.Core.Logging;
using Kubiya.Core.Workers;
using Microsoft.Extensions.Logging;

namespace Kubiya.Cli.Daemon;

/// <summary>
/// <c>kubiya worker start</c> without -d: a worker in this process that logs to the console,
/// and on Ctrl+C, SIGTERM, its queue's stop.request file or the loss of its supervisor stops
/// polling and lets running steps finish (up to the drain timeout) before it exits.
/// </summary>
internal static class ForegroundWorker
{
    /// <summary>Runs until stopped; 0 after a graceful stop, 1 when the worker failed.</summary>
    public static async Task<int> RunAsync(CommandContext ctx, WorkerPaths paths, WorkerHostOptions options, int? supervisorPid, int? webUIPort = null)
    {
        if (supervisorPid == null && DaemonStatusReader.Read(paths).State == DaemonState.Stopped)
            TryDelete(paths.StopRequestFile); // left by a daemon that died; it would stop us at once
        using var host = await ctx.Runtime.StartWorkerAsync(options, ctx.Cancellation);
        await using var webUI = webUIPort is { } port
            ? await WorkerWebUI.StartAsync(ctx.Runtime, host, paths, port, options.DefaultWorkingDirectory ?? ctx.CurrentDirectory, options.ModelConfigPath, ctx.Cancellation)
            : null;
        using var watch = new CancellationTokenSource();
        var stopRequested = StopRequest.WaitAsync(paths, supervisorPid, watch.Token);
        var interrupted = Task.Delay(Timeout.Infinite, ctx.Cancellation);
        var first = await Task.WhenAny(host.Completion, stopRequested, interrupted);
        watch.Cancel();
        if (first != host.Completion)
        {
            var why = first == stopRequested && stopRequested.IsCompletedSuccessfully ? stopRequested.Result : "termination signal";
            Console.Out.WriteLine(LogFormat.Line(DateTimeOffset.Now, LogLevel.Information, "Kubiya.Worker",
                $"Stopping ({why}): draining running steps for up to {options.GracefulShutdown.TotalSeconds:0}s", null));
            await host.StopAsync();
        }
        Console.Out.Flush();
        if (host.State == WorkerState.Failed)
        {
            ctx.Output.Error($"the worker for queue '{paths.QueueId}' failed: {host.Error?.Message}", "WorkerFailed");
            return ExitCodes.Failed;
        }
        return ExitCodes.Ok;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
