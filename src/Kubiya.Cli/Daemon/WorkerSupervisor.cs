using System.Diagnostics;
using Kubiya.Core.Logging;
using Kubiya.Core.Workers;
using Microsoft.Extensions.Logging;
using Kubiya.Core.Processes;

namespace Kubiya.Cli.Daemon;

/// <summary>
/// The daemon: runs the worker as a child process, captures its output into a size-rotated
/// log, restarts it with exponential backoff when it dies, and on a stop request (SIGTERM,
/// Ctrl+C or the stop file) lets it drain its running steps before exiting.
/// </summary>
public sealed class WorkerSupervisor
{
    private readonly WorkerPaths paths;
    private readonly CommandLine workerCommand;
    private readonly DaemonOptions options;
    private readonly string version;
    private readonly DaemonInfo info = new();

    /// <summary>Creates the supervisor of <paramref name="workerCommand"/> (a foreground worker for the queue).</summary>
    public WorkerSupervisor(WorkerPaths paths, CommandLine workerCommand, DaemonOptions options, string version)
    {
        this.paths = paths;
        this.workerCommand = workerCommand;
        this.options = options;
        this.version = version;
    }

    /// <summary>Supervises until a stop is requested; returns the process exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        Kubiya.Core.Security.OwnerOnly.Folder(paths.Directory);
        if (File.Exists(paths.StopRequestFile)) File.Delete(paths.StopRequestFile);
        using var log = new RotatingFileWriter(paths.LogFile, options.MaxLogBytes, options.MaxLogBackups);
        using var me = Process.GetCurrentProcess();
        info.Pid = me.Id;
        info.ProcessStartUtc = me.StartTime.ToUniversalTime();
        info.QueueId = paths.QueueId;
        info.StartedUtc = DateTime.UtcNow;
        info.Version = version;
        info.LogPath = paths.LogFile;
        info.State = "running";
        info.Write(paths.InfoFile);
        AtomicFile.WriteAllText(paths.PidFile, me.Id.ToString());
        Log(log, $"daemon started (pid {me.Id}) for queue {paths.QueueId}");
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var watcher = WatchStopFileAsync(stopping);
        var backoff = new RestartBackoff(options.InitialBackoff, options.MaxBackoff, options.StableAfter);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var started = DateTime.UtcNow;
                using var child = StartWorker(log);
                info.WorkerPid = child.Id;
                info.State = "running";
                info.Write(paths.InfoFile);
                try { await child.WaitForExitAsync(stopping.Token); }
                catch (OperationCanceledException)
                {
                    await DrainAsync(child, log);
                    break;
                }
                var code = child.ExitCode;
                var delay = backoff.NextDelay(DateTime.UtcNow - started);
                info.Restarts++;
                info.WorkerPid = 0;
                info.LastExitCode = code;
                info.LastExitUtc = DateTime.UtcNow;
                info.State = "restarting";
                info.Write(paths.InfoFile);
                Log(log, $"worker exited with code {code}; restart {info.Restarts} in {delay.TotalSeconds:0.#}s");
                try { await Task.Delay(delay, stopping.Token); }
                catch (OperationCanceledException) { break; }
            }
        }
        finally
        {
            stopping.Cancel();
            await watcher;
            info.WorkerPid = 0;
            info.State = "stopped";
            info.Write(paths.InfoFile);
            TryDelete(paths.PidFile);
            TryDelete(paths.StopRequestFile);
            Log(log, "daemon stopped");
        }
        return 0;
    }

    private Process StartWorker(RotatingFileWriter log)
    {
        var psi = new ProcessStartInfo(workerCommand.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in workerCommand.Arguments) psi.ArgumentList.Add(a);
        foreach (var kv in workerCommand.Environment) psi.Environment[kv.Key] = kv.Value;
        var child = new Process { StartInfo = psi };
        child.OutputDataReceived += (_, e) => { if (e.Data != null) log.WriteLine(e.Data); };
        child.ErrorDataReceived += (_, e) => { if (e.Data != null) log.WriteLine(e.Data); };
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        Log(log, $"worker started (pid {child.Id})");
        return child;
    }

    /// <summary>Asks the worker to finish its running steps, then kills it if it overstays.</summary>
    private async Task DrainAsync(Process child, RotatingFileWriter log)
    {
        info.State = "stopping";
        info.Write(paths.InfoFile);
        Log(log, $"stop requested: draining worker (pid {child.Id}), up to {options.DrainTimeout.TotalSeconds:0}s");
        if (!File.Exists(paths.StopRequestFile)) AtomicFile.WriteAllText(paths.StopRequestFile, "stop");
        ProcessSignals.Terminate(child.Id);
        // The worker drains for DrainTimeout itself; the margin covers its start-up and exit.
        using var drain = new CancellationTokenSource(options.DrainTimeout + TimeSpan.FromSeconds(15));
        try
        {
            await child.WaitForExitAsync(drain.Token);
            Log(log, $"worker drained and exited with code {child.ExitCode}");
        }
        catch (OperationCanceledException)
        {
            Log(log, "worker did not drain in time: killing it");
            try { child.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            child.WaitForExit(5000);
        }
    }

    private async Task WatchStopFileAsync(CancellationTokenSource stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            if (File.Exists(paths.StopRequestFile)) { stopping.Cancel(); return; }
            try { await Task.Delay(200, stopping.Token); } catch (OperationCanceledException) { return; }
        }
    }

    private static void Log(RotatingFileWriter log, string message) =>
        log.WriteLine(LogFormat.Line(DateTimeOffset.Now, LogLevel.Information, "Kubiya.Daemon", message, null));

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
