using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kubiya.Bench;

/// <summary>
/// What a pipeline feels on every build: the first <c>kubiya exec agent shell 'echo hi' --local --yes</c>
/// of a published CLI with no server running (it starts the embedded server), the same command
/// with the server up, and a cold <c>Import-Module</c> in a new real pwsh process.
/// KUBIYA_BENCH_CLI names a published CLI folder; without it the CLI is published first.
/// </summary>
public static class ColdStartBench
{
    public static async Task RunAsync()
    {
        var root = RepoRoot();
        var cli = Environment.GetEnvironmentVariable("KUBIYA_BENCH_CLI") ?? await PublishAsync(root);
        var home = Path.Combine(Path.GetTempPath(), "kubiya-bench-cold-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        try
        {
            var first = await TimeCliAsync(cli, home, port, "exec", "agent", "shell", "echo hi", "--local", "--yes");
            var warm = new List<double>();
            for (var i = 0; i < 5; i++) warm.Add(await TimeCliAsync(cli, home, port, "exec", "agent", "shell", "echo hi", "--local", "--yes"));
            var status = new List<double>();
            for (var i = 0; i < 5; i++) status.Add(await TimeCliAsync(cli, home, port, "execution", "list", "--limit", "1"));
            Console.WriteLine($"published CLI, first 'kubiya exec agent shell \"echo hi\" --local --yes' with no server running: {first:0} ms (target <= 1500 ms)");
            Console.WriteLine($"the same with the server up: median {Median(warm):0} ms; 'kubiya execution list --limit 1': median {Median(status):0} ms (target <= 500 ms for a CLI process with the server up)");
            var imports = new List<double>();
            var module = Path.Combine(root, "out", "Release", "Kubiya");
            if (File.Exists(Path.Combine(module, "Kubiya.dll")))
            {
                for (var i = 0; i < 3; i++) imports.Add(await TimeImportAsync(root, module));
                Console.WriteLine($"cold Import-Module Kubiya in a new pwsh process: median {Median(imports):0} ms of 3 (target <= 400 ms)");
            }
            await TimeCliAsync(cli, home, port, "server", "stop");
        }
        finally
        {
            try { Directory.Delete(home, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<string> PublishAsync(string root)
    {
        var dir = Path.Combine(root, "out", "bench-cli");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "publish", "src/Kubiya.Cli", "-c", "Release", "-o", dir, "--nologo", "-v", "q" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException("publishing the CLI failed:\n" + output);
        return dir;
    }

    /// <summary>Wall time of one CLI process, from spawn to exit, with its own Kubiya home and server port.</summary>
    private static async Task<double> TimeCliAsync(string cli, string home, int port, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(cli, "kubiya.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["KUBIYA_HOME"] = home;
        psi.Environment["KUBIYA_SERVER_PORT"] = port.ToString();
        psi.Environment.Remove("KUBIYA_TEMPORAL_ADDRESS");
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        sw.Stop();
        if (p.ExitCode != 0) throw new InvalidOperationException($"kubiya {string.Join(' ', args)} exited {p.ExitCode}:\n{stdout}{await stderr}");
        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task<double> TimeImportAsync(string root, string module)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command",
                     $"$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '{module}'; 'RESULT ' + $sw.Elapsed.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture)" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ")) ?? throw new InvalidOperationException("Import-Module failed:\n" + output);
        return double.Parse(line[7..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Kubiya.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Kubiya.sln not found");
    }

    private static double Median(List<double> v)
    {
        var s = v.OrderBy(x => x).ToList();
        return s.Count == 0 ? 0 : s[s.Count / 2];
    }
}
