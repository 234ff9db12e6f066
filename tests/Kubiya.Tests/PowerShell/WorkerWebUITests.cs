using System.Net;
using System.Net.Http.Headers;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// Start-KubiyaWorker's web UI: a child kubiya ui bound to the job's queue, announced in the job's
/// log with its token, published without it, and stopped with the worker (no process left behind).
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "WebUI")]
public sealed class WorkerWebUITests(ModuleFixture fx)
{
    [Fact]
    public async Task JobWorkerServesTheUiAndStopsItWithTheJob()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("ui");
        var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q} -WebUIPort 0; $w.WebUI; (@(Receive-Job $w) -match 'Web UI:')[0]; (Get-KubiyaWorker -Session).WebUI").Ok();
        var address = new Uri(r.Output[0].ToString());
        Assert.Equal("127.0.0.1", address.Host);
        Assert.DoesNotContain("token", address.ToString());
        var line = r.Output[1].ToString();
        Assert.Contains($"Web UI: http://127.0.0.1:{address.Port}/?token=", line);
        Assert.Equal(address.ToString(), r.Output[2].ToString());
        var token = line.Split("token=")[1].Trim();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var session = await http.GetStringAsync($"http://127.0.0.1:{address.Port}/api/session");
        Assert.Contains($"\"queue\":\"{q}\"", session);
        Assert.NotEmpty(ProcessScan.WithToken(q));

        s.Run("Stop-Job $w; $w.WebUI").Ok();
        Assert.Empty(await ProcessScan.WaitGoneAsync(q, TimeSpan.FromSeconds(15)));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{address.Port}/api/session"));
    }

    [Fact]
    public async Task ATakenPortMovesToTheNextFreeOneAndTheLogSaysSo()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("uitaken");
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var busy = ((IPEndPoint)taken.LocalEndpoint).Port;
        var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q} -WebUIPort {busy}; ([uri]$w.WebUI).Port; @(Receive-Job $w 3>&1 | ForEach-Object ToString) -match 'is taken'; Stop-Job $w").Ok();
        var port = (int)r.Output[0].BaseObject;
        Assert.NotEqual(busy, port);
        Assert.Contains($"Web UI port {busy} is taken: using {port}", r.Output[1].ToString());
        Assert.Empty(await ProcessScan.WaitGoneAsync(q, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public void NoWebUIStartsNoUi()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("noui");
        var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q} -NoWebUI -WebUIPort 0; $null -eq $w.WebUI; @(@(Receive-Job $w) -match 'Web UI').Count; Stop-Job $w").Ok();
        Assert.True((bool)r.Output[0].BaseObject);
        Assert.Equal(0, (int)r.Output[1].BaseObject);
        Assert.Empty(ProcessScan.WithToken(q));
    }

    [Fact]
    public void ByDefaultTheTestEnvironmentTurnsItOff()
    {
        // KUBIYA_NO_WEBUI (set for this test assembly) is honoured like -NoWebUI.
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("envoff");
        var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; $null -eq $w.WebUI; Stop-Job $w").Ok();
        Assert.True((bool)r.Output[0].BaseObject);
        Assert.Empty(ProcessScan.WithToken(q));
    }
}
