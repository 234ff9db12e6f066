using OpenQA.Selenium;

namespace Kubiya.Cli.Tests.WebUI;

/// <summary>
/// Every page of the worker web UI in a real headless chromium: it renders its data with no console
/// error, and a screenshot of it is kept (TestResults/WebUI/PAGE.png).
/// </summary>
[Collection(WebUICollection.Name)]
[Trait("Category", "WebUI")]
public sealed class WebUIPageTests(WebUIFixture fx)
{
    private Browser B => fx.Browser;

    private void Open(string page, string ready)
    {
        B.Driver.Manage().Logs.GetLog(LogType.Browser); // drop earlier pages' messages
        B.Go($"{fx.Base}/#/{page}");
        B.Find(ready);
    }

    private void AssertCleanAndShoot(string name)
    {
        // Let late requests (event stream, timers) finish before reading the console.
        Thread.Sleep(700);
        var errors = B.ConsoleErrors();
        B.Screenshot(name);
        Assert.True(errors.Count == 0, $"{name}: console errors:\n{string.Join("\n", errors)}");
    }

    [Fact]
    public async Task OverviewShowsTheWorkerTheServerAndRecentExecutions()
    {
        var id = await fx.SubmitAsync("first");
        await fx.WaitStatusAsync(id, "Completed");
        Open("overview", ".card .big");
        B.Wait(d => d.FindElement(By.CssSelector("#page")).Text.Contains(id), "the recent execution listed");
        var text = B.Driver.FindElement(By.CssSelector("#page")).Text;
        Assert.Contains(fx.Queue, text);
        Assert.Contains($"pid {fx.Worker.Id}", text);
        Assert.Contains("reachable", text);
        B.Wait(d => d.FindElement(By.Id("server")).Text.StartsWith("server ", StringComparison.Ordinal) && d.FindElement(By.Id("server")).Text.EndsWith(" ms", StringComparison.Ordinal), "the server latency in the top bar");
        Assert.Equal("live", B.Find("#live").Text);
        AssertCleanAndShoot("overview");
    }

    [Fact]
    public void WorkersListsThePollerOfTheQueue()
    {
        Open("workers", "table");
        B.Wait(d => d.FindElement(By.CssSelector("#page")).Text.Contains(fx.Queue), "the worker's queue among the pollers");
        Assert.Contains("Polling", B.Driver.FindElement(By.CssSelector("#page")).Text);
        AssertCleanAndShoot("workers");
    }

    [Fact]
    public async Task ExecutionsFiltersByStatusAndAgent()
    {
        var kept = await fx.SubmitAsync("first");
        var done = await fx.SubmitAsync("second");
        await fx.WaitStatusAsync(kept, "Completed");
        await fx.WaitStatusAsync(done, "Completed");
        Open("executions", "#executions-list table");
        B.Wait(d => d.FindElement(By.Id("executions-list")).Text.Contains(done), "the completed execution listed");
        B.Driver.FindElement(By.Name("agent")).SendKeys("first");
        B.Driver.FindElement(By.CssSelector("form.filters button")).Click();
        B.Wait(d => !d.FindElement(By.Id("executions-list")).Text.Contains(done), "the filter hides other agents' executions");
        Assert.Contains(kept, B.Driver.FindElement(By.Id("executions-list")).Text);
        AssertCleanAndShoot("executions");
    }

    [Fact]
    public async Task ExecutionDetailShowsStepsLogAndCost()
    {
        var id = await fx.SubmitAsync("first");
        await fx.WaitStatusAsync(id, "Completed");
        Open($"executions/{id}", "#execution-summary .pill");
        B.Wait(d => d.FindElement(By.Id("execution-log")).Text.Contains("from-first"), "the step output in the log");
        B.Wait(d => d.FindElement(By.Id("steps")).Text.Contains("one"), "the step listed");
        Assert.Contains("Completed", B.Driver.FindElement(By.Id("execution-summary")).Text);
        Assert.Contains("No model calls", B.Driver.FindElement(By.Id("cost")).Text);
        AssertCleanAndShoot("execution-detail");
    }

    [Fact]
    public void PlaygroundListsTheAgents()
    {
        Open("playground", "#agent option");
        var options = B.Driver.FindElements(By.CssSelector("#agent option")).Select(o => o.GetAttribute("value")).ToList();
        Assert.Contains("lines", options);
        Assert.Contains("reader", options);
        Assert.Equal(fx.Work, B.Driver.FindElement(By.Id("workingDirectory")).GetAttribute("value"));
        AssertCleanAndShoot("playground");
    }

    [Fact]
    public void LogsShowsTheWorkerLogAndFiltersByLevel()
    {
        Open("logs", "#worker-log .line");
        Assert.Contains("Web UI:", B.Driver.FindElement(By.Id("worker-log")).Text);
        AssertCleanAndShoot("logs");
        new OpenQA.Selenium.Support.UI.SelectElement(B.Driver.FindElement(By.Id("level"))).SelectByValue("error");
        B.Wait(d => !d.FindElement(By.Id("worker-log")).Text.Contains("Web UI:"), "info lines hidden at level error");
    }

    [Fact]
    public void DoctorPassesTheServerCheck()
    {
        Open("doctor", "#doctor-status");
        var server = B.Find("[data-check=server]");
        Assert.Equal("pass", server.GetAttribute("data-status"));
        Assert.Equal("pass", B.Find("[data-check=pollers]").GetAttribute("data-status"));
        Assert.Equal("pass", B.Find("[data-check=agents]").GetAttribute("data-status"));
        AssertCleanAndShoot("doctor");
    }

    [Fact]
    public void EnvironmentShowsWhereEachValueCameFromAndMasksSecrets()
    {
        Open("environment", "table");
        var address = B.Find("[data-setting='temporal.address']");
        Assert.Equal(fx.Server.Address, address.Text);
        var row = address.FindElement(By.XPath(".."));
        Assert.Contains("environment", row.Text);
        // KUBIYA_API_KEY holds the test server's token: shown masked, never served.
        Assert.Equal("********", B.Find("[data-setting='temporal.apiKey']").Text);
        Assert.DoesNotContain(fx.Server.Token!, B.Driver.PageSource);
        AssertCleanAndShoot("environment");
    }

    [Fact]
    public void ModelsTestButtonSendsAOneTokenRequest()
    {
        fx.Fake.Enqueue(Kubiya.Testing.FakeOpenAi.Reply.Text("ok"));
        var before = fx.Fake.ChatRequests.Count;
        Open("models", "[data-test=smart]");
        Assert.Contains("key set", B.Driver.FindElement(By.CssSelector("#page")).Text);
        B.Driver.FindElement(By.CssSelector("[data-test=smart]")).Click();
        B.Wait(d => d.FindElement(By.CssSelector("[data-result=smart]")).Text.StartsWith("ok in", StringComparison.Ordinal), "the test result");
        Assert.Equal(before + 1, fx.Fake.ChatRequests.Count);
        var body = fx.Fake.ChatRequests[^1].Json!.Value;
        var max = body.TryGetProperty("max_completion_tokens", out var m) ? m : body.GetProperty("max_tokens");
        Assert.Equal(1, max.GetInt32());
        AssertCleanAndShoot("models");
    }
}
