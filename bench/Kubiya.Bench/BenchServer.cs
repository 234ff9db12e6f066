using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Kubiya.Bench;

/// <summary>A Kubiya.Server process on a free loopback port with a throw-away database.</summary>
public sealed class BenchServer : IDisposable
{
    private readonly Process process;

    private BenchServer(Process process, int port)
    {
        this.process = process;
        Address = $"127.0.0.1:{port}";
    }

    public string Address { get; }

    /// <summary>The repository root (folder of Kubiya.sln).</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Debug or Release, from this assembly's folder.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Release";

    public static async Task<BenchServer> StartAsync()
    {
        var dll = Path.Combine(RepoRoot, "src", "Kubiya.Server", "bin", Configuration, "net10.0", "Kubiya.Server.dll");
        var db = Path.Combine(Path.GetTempPath(), "kubiya-bench-" + Guid.NewGuid().ToString("N"), "bench.db");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--port", "0", "--db", db }) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        p.OutputDataReceived += (_, e) =>
        {
            var m = e.Data == null ? null : Regex.Match(e.Data, @"ready on [^:]+:(\d+)");
            if (m is { Success: true }) ready.TrySetResult(int.Parse(m.Groups[1].Value));
        };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return new BenchServer(p, await ready.Task.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Kubiya.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Kubiya.sln not found");
    }

    public void Dispose()
    {
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        process.Dispose();
    }
}
