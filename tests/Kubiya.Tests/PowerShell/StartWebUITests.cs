using System.Net;
using System.Net.Http.Headers;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// Start-KubiyaWebUI: the web UI on its own as a job (a child kubiya ui), its Url carrying the token
/// the API demands, stopped by Stop-Job with no process left behind; bad input is refused before anything starts.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "WebUI")]
public sealed class StartWebUITests(ModuleFixture fx)
{
    [Fact]
    public async Task ServesTheUiAsAJobThatStopJobEnds()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("sui");
        var r = s.Run($"$ui = Start-KubiyaWebUI -Port 0 -QueueId {q}; $ui.Url; $ui.Port; $ui.Pid; $ui.State; $ui.Location; @(Get-Job -Name 'KubiyaWebUI:*').Count; $ui.PSJobTypeName; @(Receive-Job $ui -Keep)[0]").Ok();
        var url = new Uri(r.Output[0].ToString());
        var port = (int)r.Output[1].BaseObject;
        var pid = (int)r.Output[2].BaseObject;
        Assert.Equal("127.0.0.1", url.Host);
        Assert.Equal(port, url.Port);
        Assert.NotEqual(0, port);
        Assert.Equal("Running", r.Output[3].ToString());
        Assert.Equal($"http://127.0.0.1:{port}/", r.Output[4].ToString());
        Assert.Equal(1, (int)r.Output[5].BaseObject);
        Assert.Equal("KubiyaWebUI", r.Output[6].ToString());
        Assert.Equal("Web UI: " + url, r.Output[7].ToString());
        Assert.True(ProcessScan.IsAlive(pid));
        Assert.Contains(pid, ProcessScan.WithToken(q));

        var token = url.Query.Replace("?token=", "");
        Assert.Equal(64, token.Length);
        using var http = new HttpClient();
        var refused = await http.GetAsync($"http://127.0.0.1:{port}/api/session");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var page = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var session = await http.GetStringAsync($"http://127.0.0.1:{port}/api/session");
        Assert.Contains($"\"queue\":\"{q}\"", session);
        // Standalone: it speaks for no worker, so the queue's worker folder gets no webui.url.
        Assert.False(File.Exists(Path.Combine(fx.Home, "workers", q, "webui.url")));

        var stopped = s.Run("Stop-Job $ui; $ui.State; Remove-Job $ui; @(Get-Job -Name 'KubiyaWebUI:*').Count").Ok();
        Assert.Equal("Stopped", stopped.Output[0].ToString());
        Assert.Equal(0, (int)stopped.Output[1].BaseObject);
        Assert.Empty(await ProcessScan.WaitGoneAsync(q, TimeSpan.FromSeconds(15)));
        Assert.False(ProcessScan.IsAlive(pid));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{port}/api/session"));
    }

    [Fact]
    public async Task ATakenPortMovesToTheNextFreeOneWithAWarning()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("suitaken");
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var busy = ((IPEndPoint)taken.LocalEndpoint).Port;
        var r = s.Run($"$ui = Start-KubiyaWebUI -Port {busy} -QueueId {q}; $ui.Port; @(Receive-Job $ui 3>&1 | Where-Object {{ $_ -is [System.Management.Automation.WarningRecord] }})[0].Message; Remove-Job $ui -Force").Ok();
        var port = (int)r.Output[0].BaseObject;
        Assert.NotEqual(busy, port);
        Assert.Equal($"Port {busy} is taken: serving on {port}.", r.Output[1].ToString());
        Assert.Empty(await ProcessScan.WaitGoneAsync(q, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public void WhatIfStartsNothing()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("suiwhatif");
        var r = s.Run($"Start-KubiyaWebUI -Port 0 -QueueId {q} -WhatIf; @(Get-Job).Count").Ok();
        Assert.Equal(0, (int)r.Output.Single().BaseObject);
        Assert.Empty(ProcessScan.WithToken(q));
    }

    [Theory]
    [InlineData("-QueueId 'a/b'", "InvalidQueueId")]
    [InlineData("-WorkingDirectory ./no-such-folder", "WorkingDirectoryNotFound")]
    [InlineData("-ModelConfig ./no-such-models.yaml", "ModelConfigNotFound")]
    public void BadInputIsRefusedBeforeAnythingStarts(string parameters, string errorId)
    {
        using var s = fx.NewSession();
        var r = s.Run($"Start-KubiyaWebUI -Port 0 {parameters}; @(Get-Job).Count");
        Assert.Equal($"{errorId},Kubiya.PowerShell.Commands.StartKubiyaWebUICommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
        Assert.Equal(0, (int)r.Output.Single().BaseObject);
        Assert.DoesNotContain("Exception", r.Errors[0].ToString());
    }

    [Fact]
    public void KilledUiTurnsTheJobFailed()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("suikill");
        var pid = (int)s.Run($"$ui = Start-KubiyaWebUI -Port 0 -QueueId {q}; $ui.Pid").Ok().Single().BaseObject;
        System.Diagnostics.Process.GetProcessById(pid).Kill();
        var r = s.Run("$deadline = [DateTime]::UtcNow.AddSeconds(15); while ($ui.State -eq 'Running' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }; $ui.State; $ui.FailureReason.ErrorId");
        Assert.Equal("Failed", r.Output[0].ToString());
        Assert.Equal("WebUIExited", r.Output[1].ToString());
    }
}
