using System.Diagnostics;

namespace Kubiya.Tests.Infrastructure;

/// <summary>
/// The stand-alone Kubiya.TestWorker activity worker running as its own process, so a test can
/// kill it (kill -9) the way a crashed worker machine disappears.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> waiters = new();

    private WorkerProcess(Process process) => this.process = process;

    /// <summary>Starts the worker polling <paramref name="taskQueue"/> and waits until it is running.</summary>
    public static async Task<WorkerProcess> StartAsync(string address, string ns, string taskQueue, string identity, string? token = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { RepoPaths.TestWorkerDll, address, ns, taskQueue, identity }) psi.ArgumentList.Add(a);
        if (token != null) psi.Environment["KUBIYA_TEST_SERVER_TOKEN"] = token;
        var w = new WorkerProcess(new Process { StartInfo = psi });
        w.process.OutputDataReceived += (_, e) => { if (e.Data != null) w.OnLine(e.Data); };
        w.process.ErrorDataReceived += (_, e) => { if (e.Data != null) w.OnLine("ERR " + e.Data); };
        w.process.Start();
        w.process.BeginOutputReadLine();
        w.process.BeginErrorReadLine();
        await w.WaitForLineAsync(l => l == "READY", TimeSpan.FromSeconds(60));
        return w;
    }

    private void OnLine(string line)
    {
        lock (lines)
        {
            lines.Add(line);
            foreach (var (match, seen) in waiters) if (match(line)) seen.TrySetResult(line);
        }
    }

    /// <summary>Waits for an output line; fails with everything printed so far if it does not come.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (lines)
        {
            if (lines.FirstOrDefault(match) is { } already) return already;
            waiters.Add((match, seen));
        }
        try { return await seen.Task.WaitAsync(timeout); }
        catch (TimeoutException)
        {
            lock (lines) throw new TimeoutException("Worker process output so far:\n" + string.Join("\n", lines));
        }
    }

    /// <summary>kill -9: the worker gets no chance to answer, heartbeat or shut down.</summary>
    public void Kill()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        try { Kill(); } catch (InvalidOperationException) { }
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}
