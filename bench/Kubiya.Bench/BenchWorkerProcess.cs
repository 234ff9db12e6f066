using System.Diagnostics;
using Temporalio.Client;
using Temporalio.Worker;

namespace Kubiya.Bench;

/// <summary>
/// The server bench's worker in its own process (this bench binary run as <c>server-worker ADDRESS QUEUE</c>),
/// so the CPU time of the server, the worker and the starters can be read apart from /proc.
/// </summary>
public sealed class BenchWorkerProcess : IAsyncDisposable
{
    private readonly Process process;

    private BenchWorkerProcess(Process process) => this.process = process;

    /// <summary>The worker's process id.</summary>
    public int Pid => process.Id;

    /// <summary>Starts the child and waits until its worker polls.</summary>
    public static async Task<BenchWorkerProcess> StartAsync(string address, string queue)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { typeof(BenchWorkerProcess).Assembly.Location, "server-worker", address, queue }) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        var line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (line != "worker ready") throw new InvalidOperationException("bench worker did not start: " + line);
        return new BenchWorkerProcess(p);
    }

    /// <summary>The child's entry point: runs the one-activity worker until its stdin closes.</summary>
    public static async Task<int> RunChildAsync(string address, string queue)
    {
        var client = await TemporalClient.ConnectAsync(new(address) { Namespace = "default" });
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue)
        {
            MaxConcurrentWorkflowTasks = 100,
            MaxConcurrentActivities = 100,
        }.AddWorkflow<ServerBench.OneActivityWorkflow>().AddActivity(ServerBench.Echo));
        using var stop = new CancellationTokenSource();
        var run = worker.ExecuteAsync(stop.Token);
        Console.WriteLine("worker ready");
        await Console.In.ReadToEndAsync();
        stop.Cancel();
        try { await run; } catch (OperationCanceledException) { }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        process.Dispose();
    }
}
