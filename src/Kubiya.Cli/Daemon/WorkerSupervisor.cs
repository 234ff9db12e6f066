using System.Diagnostics;
using Kubiya.Core.Logging;
using Kubiya.Core.Workers;

namespace Kubiya.Cli.Daemon;

/// <summary>
/// The daemon: runs the worker as a child process, captures its output into a size-rotated
/// log, restarts it with exponential backoff when it dies, and on a stop request (SIGTERM,
/// Ctrl+C or the stop file) lets it drain its running steps before exiting.
/// </summary>
public sealed class WorkerSupervisor
{
    private readonly WorkerPaths paths;
    private readonly Func<ProcessStartInfo> workerCommand;
    private readonly SupervisorOptions options;
    private readonly DaemonInfo info = new();

    public WorkerSupervisor(WorkerPaths paths, Func<ProcessStartInfo> workerCommand, SupervisorOptions options)
    {
        this.paths = paths;
        this.workerCommand = workerCommand;
        this.options = options;
    }

    /// <summary>Supervises until a stop is requested; returns the process exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        Directory.CreateDirectory(paths.Directory);
        if (File.Exists(paths.StopRequestFile)) File.Delete(paths.StopRequestFile);
        using var log = new RotatingFileWriter(paths.LogFile, options.MaxLogBytes, options.MaxLogBackups);
        using var me = Process.GetCurrentProcess();
        info.Pid = me.Id;
        info.ProcessStartUtc = me.StartTime.ToUniversalTime();
        info.QueueId = paths.QueueId;
        info.StartedUtc = DateTime.UtcNow;
        info.Version = options.Version;
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
        var psi = workerCommand();
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
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
        UnixSignals.Terminate(child.Id);
        using var drain = new CancellationTokenSource(options.DrainTimeout);
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
        log.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} [daemon] {message}");

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
