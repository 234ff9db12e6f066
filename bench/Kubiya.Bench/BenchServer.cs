using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Kubiya.Bench;

/// <summary>A Kubiya.Server process on a free loopback port and a fresh database, with its output captured.</summary>
public sealed class BenchServer : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> output = new();

    private BenchServer(Process process, string dbPath)
    {
        this.process = process;
        DbPath = dbPath;
    }

    public string DbPath { get; }
    public int Port { get; private set; }
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Output lines so far.</summary>
    public IReadOnlyList<string> Output { get { lock (output) return output.ToList(); } }

    /// <summary>Drops the captured output (to read only what follows).</summary>
    public void ClearOutput() { lock (output) output.Clear(); }

    public static async Task<BenchServer> StartAsync(params string[] extraArgs)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Kubiya.Server", "bin",
            new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name, "net10.0", "Kubiya.Server.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build Kubiya.Server first (dotnet build Kubiya.sln -c Release).", dll);
        var db = Path.Combine(Path.GetTempPath(), "kubiya-bench-" + Guid.NewGuid().ToString("N"), "server.db");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Benchmarks measure the engine; callers are not authenticated here.
        foreach (var a in new[] { Path.GetFullPath(dll), "--port", "0", "--db", db, "--no-auth" }.Concat(extraArgs)) psi.ArgumentList.Add(a);
        var server = new BenchServer(new Process { StartInfo = psi, EnableRaisingEvents = true }, db);
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (server.output) server.output.Add(e.Data);
            var m = Regex.Match(e.Data, @"ready on [^:]+:(\d+)");
            if (m.Success) ready.TrySetResult(int.Parse(m.Groups[1].Value));
        };
        server.process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (server.output) server.output.Add(e.Data); };
        server.process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("server exited:\n" + string.Join("\n", server.Output)));
        server.process.Start();
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        server.Port = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }
        process.Dispose();
        try { Directory.Delete(Path.GetDirectoryName(DbPath)!, recursive: true); } catch (IOException) { }
    }
}
