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

        // Import: the first is cold (assembly load + JIT), later ones show the steady cost.
        var imports = new List<double>();
        var firsts = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            var sw = Stopwatch.StartNew();
            using var rs = Open(moduleDir);
            imports.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            Run(rs, "Get-KubiyaExecution -Id exec-none -ErrorAction SilentlyContinue");
            firsts.Add(sw.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"module import (runspace open with Import-Module): cold {imports[0]:0} ms, warm median {Median(imports.Skip(1)):0} ms (target <= 400 ms)");
        Console.WriteLine($"first command after import (connects to the server): cold {firsts[0]:0} ms, warm median {Median(firsts.Skip(1)):0} ms");

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

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = Snapshot();
        Run(session, "$w = Start-KubiyaWorker -QueueId bench-q -MaxConcurrentActivities 16");
        await Task.Delay(5000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var idle = Snapshot();
        Console.WriteLine($"idle worker: +{(idle.Managed - before.Managed) / 1024.0 / 1024:0.0} MiB managed heap, +{(idle.WorkingSet - before.WorkingSet) / 1024.0 / 1024:0.0} MiB working set (process working set {idle.WorkingSet / 1024.0 / 1024:0} MiB)");

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

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Release";

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Kubiya.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Kubiya.sln not found");
    }

    private static Runspace Open(string moduleDir)
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(moduleDir);
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

    private static (long Managed, long WorkingSet) Snapshot()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return (GC.GetTotalMemory(true), p.WorkingSet64);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
