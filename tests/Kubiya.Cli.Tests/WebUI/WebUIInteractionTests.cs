using Kubiya.Testing.FakeOpenAi;
using OpenQA.Selenium;

namespace Kubiya.Cli.Tests.WebUI;

/// <summary>The UI's buttons in the browser really act on executions: run, cancel, answer.</summary>
[Collection(WebUICollection.Name)]
[Trait("Category", "WebUI")]
public sealed class WebUIInteractionTests(WebUIFixture fx)
{
    private Browser B => fx.Browser;

    private void Run(string agent, string prompt)
    {
        B.Go($"{fx.Base}/#/playground");
        B.Find("#agent option");
        new OpenQA.Selenium.Support.UI.SelectElement(B.Driver.FindElement(By.Id("agent"))).SelectByValue(agent);
        var box = B.Driver.FindElement(By.Id("prompt"));
        box.Clear();
        box.SendKeys(prompt);
        B.Driver.FindElement(By.Id("run")).Click();
    }

    [Fact]
    public void PlaygroundRunStreamsLinesIntoThePageWhileItRuns()
    {
        Run("lines", "count");
        var id = B.Find("#run-id").Text;
        Assert.StartsWith("exec-", id);
        // The first line shows while later ones are still being printed (0.4 s apart).
        B.Wait(d => d.FindElement(By.Id("output")).Text.Contains("stream-line-1"), "the first line streamed");
        Assert.DoesNotContain("stream-line-5", B.Driver.FindElement(By.Id("output")).Text);
        B.Wait(d => d.FindElement(By.Id("output")).Text.Contains("stream-line-5"), "the last line streamed");
        B.Wait(d => d.FindElement(By.CssSelector("#run-status .pill")).Text == "Completed", "the run completed");
        B.Screenshot("playground-run");
        Assert.Empty(B.ConsoleErrors());
    }

    [Fact]
    public async Task PlaygroundLlmRunShowsCollapsibleToolCallCards()
    {
        File.WriteAllText(Path.Combine(fx.Work, "answer.txt"), "forty-two");
        fx.Fake.Enqueue(
            Reply.ToolCall("read_file", new { path = "answer.txt" }).WithUsage(100, 20),
            Reply.Text("The file says forty-two.").WithUsage(120, 8));
        Run("reader", "what does answer.txt say?");
        var card = B.Find("#output details.tool");
        Assert.Contains("read_file", card.FindElement(By.TagName("summary")).Text);
        Assert.Null(card.GetAttribute("open"));
        card.FindElement(By.TagName("summary")).Click();
        B.Wait(d => card.Text.Contains("forty-two"), "the tool result inside the opened card");
        B.Wait(d => d.FindElement(By.Id("output")).Text.Contains("The file says forty-two."), "the model's answer");
        B.Wait(d => d.FindElement(By.CssSelector("#run-status .pill")).Text == "Completed", "the run completed");
        var id = B.Driver.FindElement(By.Id("run-id")).Text;
        B.Screenshot("playground-llm");
        // The detail page shows the cost the model calls added up to.
        B.Go($"{fx.Base}/#/executions/{id}");
        B.Wait(d => d.FindElement(By.Id("cost")).Text.Contains("220 in, 28 out"), "tokens on the detail page");
        var expected = (220 * 0.000003 + 28 * 0.000015).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("$" + expected, B.Driver.FindElement(By.Id("cost")).Text);
        Assert.Equal("Completed", (await fx.WaitStatusAsync(id, "Completed")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task CancelButtonCancelsTheRunningExecution()
    {
        var id = await fx.SubmitAsync("sleeper");
        await fx.WaitStatusAsync(id, "Running");
        B.Go($"{fx.Base}/#/executions/{id}");
        // The page redraws as log entries arrive: click the button that is there now.
        B.Wait(d => { d.FindElement(By.Id("cancel")).Click(); return true; }, "the Cancel button clicked");
        var done = await fx.WaitStatusAsync(id, "Cancelled", 60);
        Assert.Equal("Cancelled", done.GetProperty("status").GetString());
        B.Wait(d => d.FindElement(By.CssSelector("#execution-summary .pill")).Text == "Cancelled", "the page shows Cancelled");
        B.Screenshot("execution-cancelled");
    }

    [Fact]
    public async Task AnswerFormAnswersTheWaitingQuestion()
    {
        var id = await fx.SubmitAsync("approve");
        await fx.WaitStatusAsync(id, "WaitingForInput");
        B.Go($"{fx.Base}/#/executions/{id}");
        // The page redraws as the question's log entry arrives: wait for the form that names it.
        B.Wait(d => d.FindElement(By.Id("answer-form")).Text.Contains("Go ahead?"), "the question in the answer form");
        B.Screenshot("execution-question");
        B.Wait(d => { d.FindElement(By.Id("answer")).Click(); return true; }, "the Answer button clicked");
        var done = await fx.WaitStatusAsync(id, "Completed", 60);
        Assert.Contains("approved-run", done.GetProperty("output").GetString());
        B.Wait(d => d.FindElement(By.CssSelector("#execution-summary .pill")).Text == "Completed", "the page shows Completed");
        B.Wait(d => d.FindElement(By.Id("execution-log")).Text.Contains("approved-run"), "the answered step's output in the log");
    }

    [Fact]
    public async Task ATeamWaitingOnItsMemberLinksTheMemberAndItsAnswerFormAnswersIt()
    {
        fx.WriteAgent("approving-crew", "name: approving-crew\nkind: team\nmode: coordinator\nmodel: smart\nagents: [approve]\n");
        fx.Fake.Enqueue(Reply.ToolCall("delegate", new { agent = "approve", task = "go" }), Reply.Text("CREW-APPROVED"));
        var r = (await fx.Env.RunAsync(new[] { "exec", "team", "approving-crew", "go", "--queue", fx.Queue, "--no-wait", "-o", "json" }, null, TimeSpan.FromSeconds(60), fx.Work)).Exit(0);
        var id = r.Json.GetProperty("id").GetString()!;
        var waiting = await fx.WaitStatusAsync(id, "WaitingForInput");
        var member = waiting.GetProperty("waitingOn").GetString()!;
        B.Go($"{fx.Base}/#/executions/{id}");
        B.Wait(d => d.FindElement(By.Id("waiting-on")).Text == member, "the member the team waits on");
        Assert.EndsWith($"#/executions/{member}", B.Driver.FindElement(By.Id("waiting-on")).GetAttribute("href"));
        B.Wait(d => d.FindElement(By.Id("answer-form")).Text.Contains("approve asks: Go ahead?"), "the member's question in the team's answer form");
        B.Wait(d => { d.FindElement(By.Id("answer")).Click(); return true; }, "the Answer button clicked");
        var done = await fx.WaitStatusAsync(id, "Completed", 60);
        Assert.Equal("CREW-APPROVED", done.GetProperty("output").GetString());
        Assert.Contains("approved-run", (await fx.WaitStatusAsync(member, "Completed")).GetProperty("output").GetString());
        B.Wait(d => d.FindElement(By.CssSelector("#execution-summary .pill")).Text == "Completed", "the page shows Completed");
    }
}
