using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Kubiya.Core;
using Kubiya.Core.Configuration;
using Kubiya.Core.Executions;
using Kubiya.Tests.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Kubiya.Bench;

/// <summary>
/// The worker web UI on a real foreground <c>kubiya worker start</c> (the UI in the worker's own
/// process): the time from pressing Run in the Playground to the first streamed output line in a
/// headless chromium (p50 over 20 runs), and what 20 clients on <c>/api/events</c> add to the
/// worker's CPU and memory while executions run (after a warm-up, in alternating windows).
/// </summary>
public static class WebUIBench
{
    private const int Runs = 20;
    private const int Clients = 20;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    public static async Task RunAsync()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var home = Path.Combine(Path.GetTempPath(), "kubiya-bench-webui-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(home, "agents"));
        File.WriteAllText(Path.Combine(home, "agents", "echo.yaml"), "name: echo\nsteps:\n  - name: say\n    shell: 'echo first-line; sleep 0.2; echo second-line'\n");
        var queue = "bench-webui-" + Guid.NewGuid().ToString("N")[..8];
        using var worker = StartWorker(home, server, queue, out var url);
        var pid = worker.Id;
        try
        {
            await FirstLineAsync(url);
            await EventClientsAsync(url, home, server, queue, pid);
        }
        finally
        {
            try { if (!worker.HasExited) worker.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            try { Directory.Delete(home, true); } catch (IOException) { }
        }
    }

    private static Process StartWorker(string home, ServerProcess server, string queue, out Uri url)
    {
        var psi = Cli(home, server, "worker", "start", "--queue-id", queue, "--webui-port", "0");
        psi.WorkingDirectory = home;
        var p = Process.Start(psi)!;
        string? line;
        while ((line = p.StandardOutput.ReadLine()) != null && !line.Contains("Web UI: http", StringComparison.Ordinal)) { }
        if (line == null) throw new InvalidOperationException("the worker did not announce its web UI: " + p.StandardError.ReadToEnd());
        url = new Uri(line[line.IndexOf("http", StringComparison.Ordinal)..].Trim());
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        return p;
    }

    private static ProcessStartInfo Cli(string home, ServerProcess server, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "src", "Kubiya.Cli", "bin", "Release", "net10.0", "kubiya.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("KUBIYA_NO_WEBUI");
        psi.Environment["KUBIYA_HOME"] = home;
        psi.Environment["KUBIYA_TEMPORAL_ADDRESS"] = server.Address;
        psi.Environment["KUBIYA_API_KEY"] = server.Token;
        return psi;
    }

    private static async Task FirstLineAsync(Uri url)
    {
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1360,900");
        using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(60);
        driver.Navigate().GoToUrl(url.ToString());
        driver.Navigate().GoToUrl($"http://127.0.0.1:{url.Port}/#/playground");
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(60));
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        wait.Until(d => d.FindElements(By.CssSelector("#agent option")).Count > 0);
        new SelectElement(driver.FindElement(By.Id("agent"))).SelectByValue("echo");
        driver.FindElement(By.Id("prompt")).SendKeys("bench");
        var times = new List<double>();
        for (var i = 0; i < Runs + 2; i++)
        {
            wait.Until(d => d.FindElement(By.Id("run")).Enabled);
            // Timed inside the page: from the click to the first Output line in the DOM.
            var ms = Convert.ToDouble(driver.ExecuteAsyncScript("""
                const done = arguments[arguments.length - 1];
                const out = document.getElementById('output');
                const observer = new MutationObserver(() => {
                  if (out.querySelector('[data-kind=Output]')) { observer.disconnect(); done(performance.now() - t0); }
                });
                observer.observe(out, { childList: true, subtree: true });
                const status = new MutationObserver(() => {
                  const error = document.querySelector('#run-status .error-box');
                  if (error) { status.disconnect(); done(-1); }
                });
                status.observe(document.getElementById('run-status'), { childList: true, subtree: true });
                const t0 = performance.now();
                document.getElementById('run').click();
                """), CultureInfo.InvariantCulture);
            if (ms < 0) throw new InvalidOperationException("the Playground run failed: " + driver.FindElement(By.Id("run-status")).Text);
            if (i >= 2) times.Add(ms); // two warm-up runs
            wait.Until(d => d.FindElement(By.CssSelector("#run-status .pill")).Text == "Completed");
        }
        times.Sort();
        Console.WriteLine($"first streamed line in the browser after Run ({Runs} runs): p50 {Pct(times, 50):0} ms, p90 {Pct(times, 90):0} ms, min {times[0]:0} ms, max {times[^1]:0} ms");
        await Task.CompletedTask;
    }

    private static async Task EventClientsAsync(Uri url, string home, ServerProcess server, string queue, int pid)
    {
        var token = url.Query.Split("token=")[1];
        // Executions are started from this process on a fixed clock (not by spawning a CLI each
        // time, whose start-up on a loaded machine would change how many fit in a window).
        var settings = SettingsLoader.Load(new KubiyaPaths(home), _ => null) with { TemporalAddress = server.Address, ApiKey = server.Token };
        var executions = await new KubiyaRuntime(settings).ExecutionsAsync(CancellationToken.None);
        // The same execution load in every window: one execution every 2 s on the worker.
        async Task<(double cpuMs, long rssKb)> Measure(int clients, TimeSpan window, bool report)
        {
            using var stop = new CancellationTokenSource();
            var events = new long[clients];
            var readers = Enumerable.Range(0, clients).Select(i => Task.Run(() => ReadEventsAsync(url.Port, token, n => Interlocked.Add(ref events[i], n), stop.Token))).ToList();
            await Task.Delay(2000); // connected and first overview sent
            var cpu0 = ProcessCpu.CpuMs(pid);
            var clock = Stopwatch.StartNew();
            var started = 0;
            while (clock.Elapsed < window)
            {
                await executions.StartAsync(new ExecutionRequest { Prompt = "bench", Agent = "echo", WorkingDirectory = home }, queue, home, CancellationToken.None);
                started++;
                var next = TimeSpan.FromSeconds(2 * started) - clock.Elapsed;
                if (next > TimeSpan.Zero) await Task.Delay(next);
            }
            var elapsed = clock.Elapsed.TotalSeconds;
            var cpu = (ProcessCpu.CpuMs(pid) - cpu0) / elapsed * window.TotalSeconds;
            var rss = RssKb(pid);
            stop.Cancel();
            try { await Task.WhenAll(readers); } catch (OperationCanceledException) { }
            if (report)
                Console.WriteLine($"  {clients,2} clients, {started} executions: worker CPU {cpu / window.TotalSeconds:0.0} ms/s, RSS {rss / 1024.0:0.0} MB" +
                    (clients > 0 ? $", {events.Sum()} events received ({events.Min()}-{events.Max()} each)" : "") + $"; load {LoadAverage()}");
            return (cpu, rss);
        }
        // Warm-up with clients and executions, so neither path is still JIT-compiling when measured
        // (the first window otherwise pays for it, whichever it is).
        await Measure(Clients, TimeSpan.FromSeconds(20), report: false);
        // Alternating windows, so a load swing on this shared machine hits both sides alike.
        var idle = new List<(double cpuMs, long rssKb)>();
        var busy = new List<(double cpuMs, long rssKb)>();
        for (var round = 0; round < 2; round++)
        {
            idle.Add(await Measure(0, Window, report: true));
            busy.Add(await Measure(Clients, Window, report: true));
        }
        var idleCpu = idle.Average(m => m.cpuMs) / Window.TotalSeconds;
        var busyCpu = busy.Average(m => m.cpuMs) / Window.TotalSeconds;
        var idleRss = idle.Average(m => m.rssKb) / 1024.0;
        var busyRss = busy.Average(m => m.rssKb) / 1024.0;
        Console.WriteLine($"{Clients} concurrent SSE clients on /api/events (mean of 2 alternating {Window.TotalSeconds:0} s windows each, after a 20 s warm-up): worker CPU {busyCpu:0.0} ms/s vs {idleCpu:0.0} ms/s without (added {busyCpu - idleCpu:0.0} ms/s = {(busyCpu - idleCpu) / 10:0.00} % of a core), RSS {busyRss:0.0} MB vs {idleRss:0.0} MB (added {busyRss - idleRss:0.0} MB)");
    }

    private static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    private static async Task ReadEventsAsync(int port, string token, Action<long> onEvents, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/api/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            while (await reader.ReadLineAsync(ct) is { } line)
                if (line.StartsWith("event: ", StringComparison.Ordinal)) onEvents(1);
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }

    private static long RssKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }

    private static double Pct(List<double> sorted, int p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
}
