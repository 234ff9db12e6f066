using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Kubiya.Bench;

/// <summary>
/// The PowerShell module end to end, in an in-process runspace against a real Kubiya.Server:
/// module import time, a warm local exec, throughput through one persistent worker, and the
/// memory an idle worker holds.
/// </summary>
public static class ModuleBench
{
    public static async Task RunAsync()
    {
        var moduleDir = Path.Combine(RepoRoot(), "out", Configuration, "Kubiya");
        if (!File.Exists(Path.Combine(moduleDir, "Kubiya.dll"))) throw new FileNotFoundException("Build the module first (dotnet build Kubiya.sln -c Release).", moduleDir);
        await using var server = await BenchServer.StartAsync();
        var home = Path.Combine(Path.GetTempPath(), "kubiya-bench-home-" + Guid.NewGuid().ToString("N"));
        Environment.SetEnvironmentVariable("KUBIYA_HOME", home);
        Environment.SetEnvironmentVariable("KUBIYA_TEMPORAL_ADDRESS", server.Address);

        // Import as a user sees it: in a running session (engine already started), time
        // Import-Module; the first is cold (assembly load + JIT), later ones in new sessions warm.
        var engine = Stopwatch.StartNew();
        using (var plain = Open(null)) Run(plain, "1");
        Console.WriteLine($"PowerShell engine start (no module, for reference): {engine.Elapsed.TotalMilliseconds:0} ms");
        var imports = new List<double>();
        var firsts = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            using var rs = Open(null);
            var sw = Stopwatch.StartNew();
            Run(rs, $"Import-Module '{moduleDir}'");
            imports.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            Run(rs, "Get-KubiyaExecution -Id exec-none -ErrorAction SilentlyContinue");
            firsts.Add(sw.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"Import-Module Kubiya: cold {imports[0]:0} ms, warm median {Median(imports.Skip(1)):0} ms (target <= 400 ms)");
        Console.WriteLine($"first command after import (loads the runtime, connects): cold {firsts[0]:0} ms, warm median {Median(firsts.Skip(1)):0} ms");

        using var session = Open(moduleDir);
        Run(session, "Invoke-KubiyaExec -Agent shell 'echo hi' -Local -Yes | Out-Null");
        var local = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var sw = Stopwatch.StartNew();
            var r = Run(session, "(Invoke-KubiyaExec -Agent shell 'echo hi' -Local -Yes).Status");
            local.Add(sw.Elapsed.TotalMilliseconds);
            if (r.Single().ToString() != "Completed") throw new InvalidOperationException("local exec did not complete");
        }
        Console.WriteLine($"warm Invoke-KubiyaExec -Agent shell 'echo hi' -Local -Yes: median {Median(local):0} ms, max {local.Max():0} ms (target <= 1000 ms)");

        await ThreadJobPeerAsync(moduleDir);

        // Idle worker memory: a host process with the module imported and a worker polling,
        // against the same host with the module imported and no worker.
        var hostDll = Path.Combine(RepoRoot(), "tests", "Kubiya.TestHost", "bin", Configuration, "net10.0", "Kubiya.TestHost.dll");
        var baseline = await IdleWorkingSetAsync(hostDll, moduleDir, "Get-KubiyaAgent | Out-Null; [Threading.Thread]::Sleep(20000)");
        var withWorker = await IdleWorkingSetAsync(hostDll, moduleDir, "Start-KubiyaWorker -QueueId bench-idle -Wait");
        Console.WriteLine($"idle worker process: {withWorker / 1048576.0:0} MiB working set; the same host without a worker {baseline / 1048576.0:0} MiB (worker +{(withWorker - baseline) / 1048576.0:0} MiB)");
        Run(session, "$w = Start-KubiyaWorker -QueueId bench-q -MaxConcurrentActivities 16");

        const int count = 100;
        var total = Stopwatch.StartNew();
        var done = Run(session, $$"""
            $ids = 1..{{count}} | ForEach-Object { (Invoke-KubiyaExec -Agent shell 'true' -Queue bench-q -Cwd . -NoWait).Id }
            $ids | ForEach-Object { (Wait-KubiyaExecution -Id $_).Status } | Where-Object { $_ -eq 'Completed' } | Measure-Object | ForEach-Object Count
            """);
        total.Stop();
        var completed = done.Count == 1 && int.TryParse(done[0].ToString(), out var c) ? c : -1;
        if (completed < 0)
        {
            // Measure-Object is not in every host; count by hand.
            completed = Run(session, "$n = 0; foreach ($id in $ids) { if ((Get-KubiyaExecution -Id $id).Status -eq 'Completed') { $n++ } }; $n").Single().BaseObject is int n ? n : 0;
        }
        Console.WriteLine($"{count} executions through one persistent worker: {completed} completed in {total.Elapsed.TotalSeconds:0.00} s = {count / total.Elapsed.TotalSeconds:0.0} executions/s (submit + wait from one session)");
        Run(session, "Stop-Job $w");
        try { Directory.Delete(home, true); } catch (IOException) { }
    }

    /// <summary>
    /// The in-session peer: ThreadJob (bundled with pwsh) beside a warm local exec, both in one real
    /// pwsh 7.6.9 session from the tool manifest (<c>dotnet pwsh</c>), printed as a ratio.
    /// </summary>
    private static async Task ThreadJobPeerAsync(string moduleDir)
    {
        const int runs = 10;
        var script = $$"""
            $ErrorActionPreference = 'Stop'
            Import-Module '{{moduleDir}}'
            function Time([scriptblock] $block) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $block; $sw.Elapsed.TotalMilliseconds }
            $null = Start-ThreadJob { echo hi } | Receive-Job -Wait -AutoRemoveJob
            $null = Invoke-KubiyaExec -Agent shell 'echo hi' -Local -Yes
            $tj = 1..{{runs}} | ForEach-Object { Time { if ((Start-ThreadJob { echo hi } | Receive-Job -Wait -AutoRemoveJob) -ne 'hi') { throw 'ThreadJob output' } } }
            $kx = 1..{{runs}} | ForEach-Object { Time { if ((Invoke-KubiyaExec -Agent shell 'echo hi' -Local -Yes).Status -ne 'Completed') { throw 'local exec did not complete' } } }
            function Median($v) { ($v | Sort-Object)[[int][Math]::Floor($v.Count / 2)] }
            "RESULT {0:F1} {1:F1} $($PSVersionTable.PSVersion)" -f (Median $tj), (Median $kx)
            """;
        var root = RepoRoot();
        using (var restore = Process.Start(new ProcessStartInfo("dotnet", "tool restore") { WorkingDirectory = root, RedirectStandardOutput = true, UseShellExecute = false })!)
            await restore.WaitForExitAsync();
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", script }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT "));
        if (line == null) throw new InvalidOperationException("pwsh peer run failed:\n" + output + await stderr);
        var f = line.Split(' ');
        double threadJob = double.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), local = double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine($"pwsh {f[3].Trim()} (one session, median of {runs}): Start-ThreadJob {{ echo hi }} | Receive-Job -Wait {threadJob:0.0} ms; " +
                          $"warm Invoke-KubiyaExec -Agent shell 'echo hi' -Local -Yes {local:0.0} ms; ratio {local / threadJob:0.0}x (target <= 3x)");
    }

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Release";

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Kubiya.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Kubiya.sln not found");
    }

    private static Runspace Open(string? moduleDir)
    {
        var iss = InitialSessionState.CreateDefault2();
        if (moduleDir != null) iss.ImportPSModule(moduleDir);
        var rs = RunspaceFactory.CreateRunspace(iss);
        rs.Open();
        rs.SessionStateProxy.Path.SetLocation(Path.GetTempPath());
        return rs;
    }

    private static System.Collections.ObjectModel.Collection<PSObject> Run(Runspace rs, string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = rs;
        ps.AddScript(script);
        var result = ps.Invoke();
        if (ps.Streams.Error.Count > 0 && !script.Contains("Measure-Object") && !script.Contains("SilentlyContinue")) throw new InvalidOperationException(string.Join("\n", ps.Streams.Error));
        return result;
    }

    /// <summary>Working set of a fresh host process running <paramref name="script"/>, 8 s after start.</summary>
    private static async Task<long> IdleWorkingSetAsync(string hostDll, string moduleDir, string script)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { hostDll, moduleDir, script }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        await Task.Delay(8000);
        p.Refresh();
        var ws = p.WorkingSet64;
        p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync();
        return ws;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
