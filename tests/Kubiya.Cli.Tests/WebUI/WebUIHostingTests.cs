using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Kubiya.Cli.Tests.Infrastructure;
using OpenQA.Selenium;

namespace Kubiya.Cli.Tests.WebUI;

/// <summary>
/// Who serves the UI and how it ends: <c>kubiya ui</c> alone, a daemon worker, the next free port
/// when one is taken, and a Doctor page that turns red when its server goes away.
/// </summary>
[Collection(WebUICollection.Name)]
[Trait("Category", "WebUI")]
public sealed class WebUIHostingTests(WebUIFixture fx)
{
    private static async Task<(CliProcess process, Uri url)> StartUiAsync(CliEnvironment env, params string[] args)
    {
        var p = env.Start(new[] { "ui" }.Concat(args).ToArray());
        var line = await p.WaitForLineAsync(l => l.StartsWith("Web UI: http://127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        return (p, new Uri(line["Web UI: ".Length..].Trim()));
    }

    private static string TokenOf(Uri url) => url.Query.Split("token=")[1];

    [Fact]
    public async Task DoctorTurnsRedWhenTheServerIsDown()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var home = Path.Combine(Path.GetTempPath(), "kubiya-webui-doctor-" + Guid.NewGuid().ToString("N")[..8]);
        var env = new CliEnvironment(home, server.Address, server.Token).With("KUBIYA_NO_WEBUI", null);
        var (ui, url) = await StartUiAsync(env, "--port", "0");
        using (ui)
        {
            using var browser = new Browser();
            browser.Go(url.ToString());
            browser.Go($"http://127.0.0.1:{url.Port}/#/doctor");
            Assert.Equal("pass", browser.Find("[data-check=server]").GetAttribute("data-status"));
            await server.DisposeAsync(); // the server goes away
            browser.Find("#rerun").Click();
            browser.Wait(d => d.FindElement(By.CssSelector("[data-check=server]")).GetAttribute("data-status") == "fail", "the server check failing", 30);
            Assert.Equal("fail", browser.Find("#doctor-status").GetAttribute("data-status"));
            Assert.Contains("How to fix", browser.Driver.FindElement(By.CssSelector("[data-check=server]")).Text);
            browser.Wait(d => d.FindElement(By.Id("server")).Text == "server down", "the top bar saying the server is down", 30);
            browser.Screenshot("doctor-server-down");
            ui.Signal("INT");
            (await ui.WaitForExitAsync(TimeSpan.FromSeconds(30))).Exit(0);
        }
        try { Directory.Delete(home, true); } catch (IOException) { }
    }

    [Fact]
    public async Task TakenPortMovesToTheNextFreeOne()
    {
        var port = WebUIFixture.FreePort();
        using var taken = new TcpListener(IPAddress.Loopback, port);
        taken.Start();
        var (ui, url) = await StartUiAsync(fx.UiEnv, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using (ui)
        {
            Assert.NotEqual(port, url.Port);
            Assert.True(url.Port > port && url.Port < port + 50, $"port {url.Port} is not just after {port}");
            await ui.WaitForLineAsync(l => l.Contains($"port {port} is taken", StringComparison.Ordinal), TimeSpan.FromSeconds(10), stderr: true);
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new("Bearer", TokenOf(url));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{url.Port}/api/session")).StatusCode);
            ui.Signal("TERM");
            (await ui.WaitForExitAsync(TimeSpan.FromSeconds(30))).Exit(0);
        }
    }

    [Fact]
    public async Task EachStartHasItsOwnToken()
    {
        var (a, urlA) = await StartUiAsync(fx.UiEnv, "--port", "0");
        using (a)
        {
            var (b, urlB) = await StartUiAsync(fx.UiEnv, "--port", "0");
            using (b)
            {
                Assert.NotEqual(TokenOf(urlA), TokenOf(urlB));
                using var http = new HttpClient();
                http.DefaultRequestHeaders.Authorization = new("Bearer", TokenOf(urlA));
                Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"http://127.0.0.1:{urlB.Port}/api/session")).StatusCode);
            }
        }
    }

    [Fact]
    public async Task DaemonWorkerServesTheUiAndStopsItWithItself()
    {
        var queue = CliFixture.Unique("webui-daemon");
        var start = (await fx.UiEnv.RunAsync("worker", "start", "--queue-id", queue, "-d", "--webui-port", "0", "-o", "json")).Exit(0);
        var supervisor = start.Json.GetProperty("pid").GetInt32();
        try
        {
            // The address (no token) in the status; the token only in the owner-only log.
            JsonElement status = default;
            await DaemonFixture.WaitUntilAsync(() =>
            {
                status = fx.Env.RunAsync("worker", "status", "--queue-id", queue, "-o", "json").GetAwaiter().GetResult().Json;
                return status.GetProperty("webUI").ValueKind == JsonValueKind.String;
            }, "the daemon's web UI in its status", TimeSpan.FromSeconds(60));
            var address = new Uri(status.GetProperty("webUI").GetString()!);
            Assert.DoesNotContain("token", address.ToString());
            var log = File.ReadAllText(status.GetProperty("logPath").GetString()!);
            var line = log.Split('\n').Last(l => l.Contains("Web UI: http://127.0.0.1:" + address.Port, StringComparison.Ordinal));
            var token = line.Split("token=")[1].Trim();
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var overview = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{address.Port}/api/overview")).RootElement;
            Assert.Equal(queue, overview.GetProperty("queue").GetString());
            Assert.Equal(status.GetProperty("workerPid").GetInt32(), overview.GetProperty("worker").GetProperty("pid").GetInt32());
            // The one file holding the token is the owner's only.
            Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(status.GetProperty("logPath").GetString()!) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead));

            (await fx.Env.RunAsync("worker", "stop", "--queue-id", queue)).Exit(0);
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{address.Port}/api/session"));
            Assert.False(DaemonFixture.IsKubiya(supervisor));
            var after = (await fx.Env.RunAsync("worker", "status", "--queue-id", queue, "-o", "json")).Json;
            Assert.Equal(JsonValueKind.Null, after.GetProperty("webUI").ValueKind);
        }
        finally
        {
            await fx.Env.RunAsync("worker", "stop", "--queue-id", queue);
        }
    }

    [Fact]
    public async Task WorkersPageStopButtonStopsADaemon()
    {
        var queue = CliFixture.Unique("webui-stop");
        var start = (await fx.Env.RunAsync("worker", "start", "--queue-id", queue, "-d", "-o", "json")).Exit(0);
        var supervisor = start.Json.GetProperty("pid").GetInt32();
        try
        {
            var b = fx.Browser;
            b.Go($"{fx.Base}/#/workers");
            var row = b.Wait(d => d.FindElements(By.CssSelector("tr")).FirstOrDefault(r => r.Text.Contains(queue) && r.FindElements(By.CssSelector("[data-action=stop]")).Count > 0), "the daemon's row");
            row!.FindElement(By.CssSelector("[data-action=stop]")).Click();
            await DaemonFixture.WaitUntilAsync(() => !DaemonFixture.IsKubiya(supervisor), "the daemon stopped", TimeSpan.FromSeconds(60));
            var status = (await fx.Env.RunAsync("worker", "status", "--queue-id", queue, "-o", "json")).Json;
            Assert.Equal("stopped", status.GetProperty("state").GetString());
        }
        finally
        {
            await fx.Env.RunAsync("worker", "stop", "--queue-id", queue);
        }
    }

    [Fact]
    public async Task WorkersPageRestartButtonRestartsADaemonWithItsOptions()
    {
        var queue = CliFixture.Unique("webui-restart");
        var paths = new Kubiya.Core.Workers.WorkerPaths(queue, fx.Home);
        var start = (await fx.UiEnv.RunAsync("worker", "start", "--queue-id", queue, "-d", "--webui-port", "0", "--max-log-size", "65536", "-o", "json")).Exit(0);
        var first = start.Json.GetProperty("pid").GetInt32();
        try
        {
            // Open the daemon's own UI (its token is in its log) and press Restart on its own row.
            string? address = null;
            await DaemonFixture.WaitUntilAsync(() => (address = Kubiya.Core.WebUI.WebUIAddress.Read(paths)) != null, "the daemon's web UI", TimeSpan.FromSeconds(60));
            var line = File.ReadAllLines(paths.LogFile).Last(l => l.Contains("Web UI: " + address, StringComparison.Ordinal));
            using var browser = new Browser();
            browser.Go(line[line.IndexOf("http://", StringComparison.Ordinal)..].Trim());
            browser.Go(address + "#/workers");
            var row = browser.Wait(d => d.FindElements(By.CssSelector("tr")).FirstOrDefault(r => r.Text.Contains(queue) && r.Text.Contains(address!) && r.FindElements(By.CssSelector("[data-action=restart]")).Count > 0), "the daemon's row with its web UI");
            row!.FindElement(By.CssSelector("[data-action=restart]")).Click();
            browser.Wait(d => d.FindElement(By.Id("worker-message")).Text.Contains("serves this page", StringComparison.Ordinal), "the page saying it goes with its worker");
            browser.Screenshot("workers-restart-own");
            await DaemonFixture.WaitUntilAsync(() => Kubiya.Core.Workers.DaemonInfo.TryRead(paths.InfoFile) is { WorkerPid: > 0 } i && i.Pid != first && i.State == "running", "the daemon restarted", TimeSpan.FromSeconds(90));
            // The page stopped refreshing from the worker that went away, so the message stays.
            await Task.Delay(6000);
            Assert.Contains("serves this page", browser.Driver.FindElement(By.Id("worker-message")).Text);
            Assert.False(DaemonFixture.IsKubiya(first));
            var supervisor = File.ReadAllText($"/proc/{Kubiya.Core.Workers.DaemonInfo.TryRead(paths.InfoFile)!.Pid}/cmdline").Replace('\0', ' ') + " ";
            var recorded = File.ReadAllText(Path.Combine(paths.Directory, "daemon_options.txt")).Replace('\n', ' ');
            Assert.True(supervisor.Contains("--max-log-size 65536 ", StringComparison.Ordinal), supervisor + " | " + recorded);
            Assert.True(supervisor.Contains("--webui-port 0 ", StringComparison.Ordinal), supervisor + " | " + recorded);
        }
        finally
        {
            await fx.Env.RunAsync("worker", "stop", "--queue-id", queue);
        }
    }

    [Fact]
    public async Task StandaloneUiPlaygroundRunsOnTheQueueTyped()
    {
        // kubiya ui with no queue (as Start-KubiyaWebUI without -QueueId): the Playground asks for one.
        var (ui, url) = await StartUiAsync(fx.UiEnv, "--port", "0");
        using (ui)
        {
            using var browser = new Browser();
            browser.Go(url.ToString());
            browser.Go($"http://127.0.0.1:{url.Port}/#/playground");
            browser.Find("#agent option");
            Assert.Equal("", browser.Find("#queue").GetAttribute("value"));
            new OpenQA.Selenium.Support.UI.SelectElement(browser.Driver.FindElement(By.Id("agent"))).SelectByValue("lines");
            browser.Driver.FindElement(By.Id("prompt")).SendKeys("count");
            browser.Driver.FindElement(By.Id("run")).Click();
            // Without a queue the form does not submit: nothing starts.
            Assert.True((bool)browser.Driver.ExecuteScript("return document.getElementById('queue').validity.valueMissing"));
            Assert.Empty(browser.Driver.FindElements(By.Id("run-id")));
            browser.Driver.FindElement(By.Id("queue")).SendKeys(fx.Queue);
            browser.Driver.FindElement(By.Id("run")).Click();
            browser.Wait(d => d.FindElement(By.Id("output")).Text.Contains("stream-line-5"), "the run on the typed queue streamed", 60);
            browser.Wait(d => d.FindElement(By.CssSelector("#run-status .pill")).Text == "Completed", "the run completed", 60);
            var id = browser.Find("#run-id").Text;
            var run = (await fx.Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
            Assert.Equal(fx.Queue, run.GetProperty("queue").GetString());
            browser.Screenshot("playground-standalone");
            Assert.Empty(browser.ConsoleErrors());
            ui.Signal("TERM");
            (await ui.WaitForExitAsync(TimeSpan.FromSeconds(30))).Exit(0);
        }
    }

    [Fact]
    public async Task NoWebUiServesNothing()
    {
        var queue = CliFixture.Unique("webui-off");
        var port = WebUIFixture.FreePort();
        using var worker = fx.UiEnv.Start(new[] { "worker", "start", "--queue-id", queue, "--no-webui", "--webui-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await worker.WaitForLineAsync(l => l.Contains("polling queue", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("Web UI", worker.Stdout);
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
        worker.Signal("INT");
        (await worker.WaitForExitAsync(TimeSpan.FromSeconds(30))).Exit(0);
    }
}
