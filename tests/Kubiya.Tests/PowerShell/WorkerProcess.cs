using System.Diagnostics;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// <c>Start-KubiyaWorker -Wait</c> in a separate process (Kubiya.TestHost importing the built
/// module), so it can be killed hard and so it counts as another machine's worker.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> output = new();

    private WorkerProcess(Process process) => this.process = process;

    public static WorkerProcess Start(string queue) => Start(queue, "");

    /// <summary>Starts the worker with more Start-KubiyaWorker parameters (e.g. <c>-ModelConfig PATH</c>).</summary>
    public static WorkerProcess Start(string queue, string extraParameters)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(RepoPaths.TestHostDll);
        psi.ArgumentList.Add(RepoPaths.ModuleDir);
        psi.ArgumentList.Add($"Start-KubiyaWorker -QueueId {queue} -Wait {extraParameters}".TrimEnd());
        var w = new WorkerProcess(Process.Start(psi)!);
        w.process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (w.output) w.output.Add(e.Data); };
        w.process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (w.output) w.output.Add("stderr: " + e.Data); };
        w.process.BeginOutputReadLine();
        w.process.BeginErrorReadLine();
        return w;
    }

    public string OutputText { get { lock (output) return string.Join("\n", output); } }

    /// <summary>The worker's process id (the dotnet host itself, no shim in between).</summary>
    public int Pid => process.Id;

    /// <summary>kill -9 of the worker process alone, as a crash or the OOM killer delivers it: its children are not signalled.</summary>
    public async Task KillWorkerOnlyAsync()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    /// <summary>kill -9 of the worker and every process below it.</summary>
    public async Task KillAsync()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public void Dispose()
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        process.Dispose();
    }
}
