using System.Diagnostics;
using System.Management.Automation;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// Get-KubiyaWorker in a real runspace lists workers of other processes by their health
/// heartbeat on the namespace, with every field, and shows a killed one as Lost after 3 intervals.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Observability")]
public sealed class WorkerHealthCmdletTests(ModuleFixture fx)
{
    /// <summary>A `kubiya worker start` process (the module's own CLI) heartbeating every 2 s as <paramref name="host"/>.</summary>
    private static Process StartCliWorker(string queue, string host)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(RepoPaths.ModuleDir, "Cli", "kubiya.dll"), "worker", "start", "--queue-id", queue }) psi.ArgumentList.Add(a);
        psi.Environment["KUBIYA_TEST_HEARTBEAT_INTERVAL"] = "2";
        psi.Environment["WORKER_HOSTNAME"] = host;
        psi.Environment["KUBIYA_NO_WEBUI"] = "1";
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static List<PSObject> Heartbeats(PsSession s, string queue) =>
        s.Run($"Get-KubiyaWorker -QueueId '{queue}' | Where-Object Source -eq 'Heartbeat'").Ok().Output.ToList();

    private static async Task<List<PSObject>> UntilAsync(PsSession s, string queue, Func<List<PSObject>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var rows = Heartbeats(s, queue);
            if (done(rows)) return rows;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting for " + what);
            await Task.Delay(500);
        }
    }

    private static object? P(PSObject o, string name) => o.Properties[name].Value;

    [Fact]
    public async Task RemoteWorkersShowTheirHealthAndAKilledOneTurnsLost()
    {
        var queue = ModuleFixture.Unique("remote");
        using var a = StartCliWorker(queue, "remote-a");
        using var b = StartCliWorker(queue, "remote-b");
        try
        {
            using var s = fx.NewSession();
            var rows = await UntilAsync(s, queue, r => r.Count == 2, "two heartbeats");
            var byHost = rows.ToDictionary(r => (string)P(r, "Host")!);
            Assert.Equal(a.Id, (int)P(byHost["remote-a"], "Pid")!);
            Assert.Equal(b.Id, (int)P(byHost["remote-b"], "Pid")!);
            foreach (var r in rows)
            {
                Assert.Equal("Kubiya.Core.Workers.WorkerInfo", r.BaseObject.GetType().FullName);
                Assert.Equal("Running", P(r, "State"));
                Assert.Equal(queue, P(r, "QueueId"));
                Assert.False(string.IsNullOrEmpty((string?)P(r, "Version")));
                Assert.IsType<TimeSpan>(P(r, "Uptime"));
                Assert.True((double)P(r, "CpuPercent")! >= 0);
                Assert.True((double)P(r, "MemoryMb")! > 10);
                Assert.Equal(0, (int)P(r, "ActiveSteps")!);
                Assert.Equal(0L, (long)P(r, "CompletedSteps")!);
                Assert.Equal(0L, (long)P(r, "FailedSteps")!);
                Assert.True((int)P(r, "Slots")! >= 1);
                Assert.NotNull(P(r, "LastHeartbeat"));
                Assert.StartsWith($"{P(r, "Pid")}@{P(r, "Host")}/", (string)P(r, "Identity")!);
            }

            b.Kill();
            await b.WaitForExitAsync();
            // Lost after 3 silent intervals, while the live one is Running in the same listing
            // (on a loaded machine a live worker's heartbeat may lag now and then, so wait for both).
            string? State(List<PSObject> r, string host) => r.Where(x => (string)P(x, "Host")! == host).Select(x => (string?)P(x, "State")).SingleOrDefault();
            rows = await UntilAsync(s, queue, r => State(r, "remote-b") == "Lost" && State(r, "remote-a") == "Running", "remote-b Lost beside remote-a Running");
            Assert.Equal(2, rows.Count);
        }
        finally
        {
            foreach (var p in new[] { a, b })
                try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
    }
}
