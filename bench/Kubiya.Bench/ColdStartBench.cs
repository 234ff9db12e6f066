using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kubiya.Bench;

/// <summary>
/// What a pipeline feels on every build: the first <c>kubiya exec agent shell 'echo hi' --local --yes</c>
/// of a published CLI with no server running (it starts the embedded server), the same command
/// with the server up, and a cold <c>Import-Module</c> in a new real pwsh process.
/// KUBIYA_BENCH_CLI names a published CLI folder; without it the CLI is published first, as the
/// README's install does (<c>dotnet publish</c>: ReadyToRun for this machine's runtime).
/// KUBIYA_BENCH_COLD_RUNS (default 3) cold starts are timed, each with its own home and port.
/// The runs with the server up come twice: right after the cold start (a pipeline's next
/// commands, against a server that still compiles its hot paths: its CPU per command is printed
/// beside) and after 10 more executions have warmed it; then the methods one such CLI process
/// JIT-compiles (what its ReadyToRun images leave out), from the runtime's JIT summary.
/// </summary>
public static class ColdStartBench
{
    public static async Task RunAsync()
    {
        var root = RepoRoot();
        var cli = Environment.GetEnvironmentVariable("KUBIYA_BENCH_CLI") ?? await PublishAsync(root);
        var runs = int.TryParse(Environment.GetEnvironmentVariable("KUBIYA_BENCH_COLD_RUNS"), out var r) && r > 0 ? r : 3;
        Console.WriteLine($"published CLI in {cli}; load average {LoadAverage()}");
        // Each cold run gets its own Kubiya home and port: no server, no database, nothing cached but the OS's file cache.
        var firsts = new List<double>();
        var warm = new List<double>();
        var warmServerCpu = new List<double>();
        var warmed = new List<double>();
        var warmedServerCpu = new List<double>();
        var status = new List<double>();
        var jitted = 0;
        for (var run = 0; run < runs; run++)
        {
            var home = Path.Combine(Path.GetTempPath(), "kubiya-bench-cold-" + Guid.NewGuid().ToString("N"));
            var port = FreePort();
            try
            {
                firsts.Add(await TimeCliAsync(cli, home, port, "exec", "agent", "shell", "echo hi", "--local", "--yes"));
                if (run == runs - 1)
                {
                    var server = ServerPid(home);
                    for (var i = 0; i < 5; i++)
                    {
                        var before = ProcessCpuMs(server);
                        warm.Add(await TimeCliAsync(cli, home, port, "exec", "agent", "shell", "echo hi", "--local", "--yes"));
                        warmServerCpu.Add(ProcessCpuMs(server) - before);
                    }
                    for (var i = 0; i < 5; i++) status.Add(await TimeCliAsync(cli, home, port, "execution", "list", "--limit", "1"));
                    for (var i = 0; i < 10; i++) await TimeCliAsync(cli, home, port, "exec", "agent", "shell", "echo hi", "--local", "--yes");
                    for (var i = 0; i < 5; i++)
                    {
                        var before = ProcessCpuMs(server);
                        warmed.Add(await TimeCliAsync(cli, home, port, "exec", "agent", "shell", "echo hi", "--local", "--yes"));
                        warmedServerCpu.Add(ProcessCpuMs(server) - before);
                    }
                    jitted = await JitCompiledMethodsAsync(cli, home, port);
                }
                await TimeCliAsync(cli, home, port, "server", "stop");
            }
            finally
            {
                try { Directory.Delete(home, recursive: true); } catch (IOException) { }
            }
        }
        Console.WriteLine($"first 'kubiya exec agent shell \"echo hi\" --local --yes' with no server running: median {Median(firsts):0} ms of {runs} ({string.Join(", ", firsts.Select(x => x.ToString("0")))}; target <= 1500 ms); load average {LoadAverage()}");
        Console.WriteLine($"the same with the server up (just started by the first run): median {Median(warm):0} ms of 5 ({Join(warm)}; server CPU per command {Join(warmServerCpu)} ms); 'kubiya execution list --limit 1': median {Median(status):0} ms of 5 (target <= 500 ms for a CLI process with the server up); load average {LoadAverage()}");
        Console.WriteLine($"the same with the server warmed by 10 more executions: median {Median(warmed):0} ms of 5 ({Join(warmed)}; server CPU per command {Join(warmedServerCpu)} ms); load average {LoadAverage()}");
        Console.WriteLine($"methods JIT-compiled by that CLI process (what its ReadyToRun images left out): {jitted}");
        var imports = new List<double>();
        var module = Path.Combine(root, "out", "Release", "Kubiya");
        if (File.Exists(Path.Combine(module, "Kubiya.dll")))
        {
            for (var i = 0; i < 3; i++) imports.Add(await TimeImportAsync(root, module));
            Console.WriteLine($"cold Import-Module Kubiya in a new pwsh process: median {Median(imports):0} ms of 3 (target <= 400 ms); load average {LoadAverage()}");
        }
    }

    private static string Join(List<double> v) => string.Join(", ", v.Select(x => x.ToString("0")));

    /// <summary>The embedded server's process id, from its pid file in <paramref name="home"/> (0 when unknown).</summary>
    private static int ServerPid(string home)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(home, "server", "server.pid")).Trim(), out var pid) ? pid : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>CPU time (user + system) of process <paramref name="pid"/> so far, from /proc (0 when unknown or not Linux).</summary>
    private static double ProcessCpuMs(int pid)
    {
        try
        {
            // Fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second on Linux), after the parenthesised name.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) * 10.0;
        }
        catch (Exception e) when (e is IOException || e is FormatException || e is UnauthorizedAccessException || e is IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>The machine's 1, 5 and 15 minute load averages (wall-clock figures mean little without them), or "n/a".</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
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

    /// <summary>
    /// Methods the JIT compiled in one local exec with the server up, from the runtime's own JIT
    /// summary (DOTNET_JitDisasmSummary, one line per compiled method, in release runtimes too).
    /// </summary>
    private static async Task<int> JitCompiledMethodsAsync(string cli, string home, int port)
    {
        var file = Path.Combine(home, "jit-summary.txt");
        await TimeCliAsync(cli, home, port, new Dictionary<string, string> { ["DOTNET_JitDisasmSummary"] = "1", ["DOTNET_JitStdOutFile"] = file },
            "exec", "agent", "shell", "echo hi", "--local", "--yes");
        return File.ReadLines(file).Count(l => l.Contains("JIT compiled", StringComparison.Ordinal));
    }

    /// <summary>Wall time of one CLI process, from spawn to exit, with its own Kubiya home and server port.</summary>
    private static Task<double> TimeCliAsync(string cli, string home, int port, params string[] args) =>
        TimeCliAsync(cli, home, port, new Dictionary<string, string>(), args);

    private static async Task<double> TimeCliAsync(string cli, string home, int port, Dictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(cli, "kubiya.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["KUBIYA_HOME"] = home;
        psi.Environment["KUBIYA_SERVER_PORT"] = port.ToString();
        psi.Environment.Remove("KUBIYA_TEMPORAL_ADDRESS");
        foreach (var (name, value) in environment) psi.Environment[name] = value;
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
