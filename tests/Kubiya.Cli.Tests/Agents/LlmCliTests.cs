using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Kubiya.Cli.Tests.Infrastructure;
using Kubiya.Testing.FakeOpenAi;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Kubiya.Cli.Tests.Agents;

/// <summary>
/// llm agents through the built kubiya CLI as a process: the production gateway talks to a fake
/// OpenAI endpoint over loopback, keys live only in the environment, and each execution's raw
/// history is searched for the key.
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Agents")]
public sealed class LlmCliTests(CliFixture fx) : IDisposable
{
    private const string KeyVariable = "KUBIYA_TEST_CLI_LLM_KEY";
    private const double InputPrice = 0.000003;
    private const double OutputPrice = 0.000015;
    private readonly string key = "sk-cli-" + Guid.NewGuid().ToString("N");
    private readonly FakeOpenAiServer fake = new();
    private readonly string work = Path.Combine(Path.GetTempPath(), "kubiya-llm-cli-" + Guid.NewGuid().ToString("N")[..10]);
    private CliEnvironment? env;

    private CliEnvironment Env => env ??= Prepare();

    private CliEnvironment Prepare()
    {
        fake.RequiredApiKey = key;
        Directory.CreateDirectory(work);
        File.WriteAllText(ModelsFile, $"""
            model_list:
              - model_name: smart
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {fake.BaseUrl}
                  api_key: os.environ/{KeyVariable}
                model_info:
                  input_cost_per_token: {InputPrice.ToString(CultureInfo.InvariantCulture)}
                  output_cost_per_token: {OutputPrice.ToString(CultureInfo.InvariantCulture)}
              - model_name: cheap
                litellm_params:
                  model: openai/gpt-cheap
                  api_base: {fake.BaseUrl}
                  api_key: os.environ/{KeyVariable}
            """);
        return fx.Env.With(KeyVariable, key);
    }

    private string ModelsFile => Path.Combine(work, "models.yaml");

    private string Agent(string body)
    {
        var name = CliFixture.Unique("llm");
        fx.WriteAgent(name, $"name: {name}\nkind: llm\nmodel: smart\ninstructions: Be brief.\n{body}\n");
        return name;
    }

    private string[] Exec(string agent, string prompt, params string[] extra) =>
        new[] { "exec", "agent", agent, prompt, "--local", "--cwd", work, "--proxy-config-file", ModelsFile, "-o", "json" }.Concat(extra).ToArray();

    [Fact]
    public async Task LocalExecReportsModelTurnsTokensAndCostInJson()
    {
        _ = Env;
        File.WriteAllText(Path.Combine(work, "data.txt"), "forty-two");
        var agent = Agent("tools: [read_file]");
        fake.Enqueue(
            Reply.ToolCall("read_file", new { path = "data.txt" }).WithUsage(100, 20),
            Reply.Text("The answer is forty-two.").WithUsage(150, 10));
        var r = (await Env.RunAsync(Exec(agent, "read data.txt"), null, TimeSpan.FromSeconds(120))).Exit(0);
        var j = r.Json;
        Assert.Equal("Completed", j.GetProperty("status").GetString());
        Assert.Equal("The answer is forty-two.", j.GetProperty("output").GetString());
        Assert.Equal("smart", j.GetProperty("model").GetString());
        Assert.Equal(2, j.GetProperty("turns").GetInt32());
        Assert.Equal(1, j.GetProperty("toolCalls").GetInt32());
        Assert.Equal(250, j.GetProperty("inputTokens").GetInt64());
        Assert.Equal(30, j.GetProperty("outputTokens").GetInt64());
        Assert.Equal(250 * InputPrice + 30 * OutputPrice, j.GetProperty("costUsd").GetDouble(), 12);
        Assert.Contains("tool: forty-two", string.Join("\n", fake.ChatRequests[1].Messages.Select(m => $"{m.Role}: {m.Content}")));
        await AssertKeyAbsentAsync(j.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task CoordinatorTeamDelegatesAndTheLogHoldsTheMembersEntries()
    {
        _ = Env;
        var member = CliFixture.Unique("member");
        fx.WriteAgent(member, $"name: {member}\ndescription: says a word\nsteps:\n  - name: say\n    shell: 'echo \"member heard: $KUBIYA_PROMPT\"'\n");
        var team = CliFixture.Unique("team");
        fx.WriteAgent(team, $"name: {team}\nkind: team\nmode: coordinator\nmodel: smart\nagents: [{member}]\n");
        fake.Enqueue(
            Reply.ToolCall("delegate", new { agent = member, task = "the word is kiwi" }).WithUsage(40, 4),
            Reply.Text("The member heard kiwi.").WithUsage(50, 5));
        var r = (await Env.RunAsync(new[] { "exec", "team", team, "pass the word", "--local", "--cwd", work, "--proxy-config-file", ModelsFile, "-o", "json" },
            null, TimeSpan.FromSeconds(120))).Exit(0).Json;
        Assert.Equal("Completed", r.GetProperty("status").GetString());
        Assert.Equal(team, r.GetProperty("team").GetString());
        Assert.Equal("The member heard kiwi.", r.GetProperty("output").GetString());
        Assert.Equal(90, r.GetProperty("inputTokens").GetInt64());
        Assert.Equal(90 * InputPrice + 9 * OutputPrice, r.GetProperty("costUsd").GetDouble(), 12);
        Assert.Equal(1, r.GetProperty("toolCalls").GetInt32());
        var id = r.GetProperty("id").GetString()!;
        Assert.Contains("member heard: the word is kiwi", fake.ChatRequests[1].Messages.Last(m => m.Role == "tool").Content);

        var lines = (await Env.RunAsync("execution", "logs", id, "-o", "json")).Exit(0).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var output = Assert.Single(lines, l => l.GetProperty("kind").GetString() == "Output");
        Assert.Equal($"{member}/say", output.GetProperty("step").GetString());
        Assert.Equal("member heard: the word is kiwi", output.GetProperty("text").GetString());
        var child = output.GetProperty("executionId").GetString()!;
        Assert.NotEqual(id, child);
        var childInfo = (await Env.RunAsync("execution", "get", child, "-o", "json")).Exit(0).Json;
        Assert.Equal("Completed", childInfo.GetProperty("status").GetString());
        Assert.Equal(id, childInfo.GetProperty("parentExecutionId").GetString());
        Assert.Equal(member, childInfo.GetProperty("agent").GetString());
        await AssertKeyAbsentAsync(id);
        await AssertKeyAbsentAsync(child);
    }

    [Fact]
    public async Task ALocalRunTellsTheWarningsOfTheModelListItWasGiven()
    {
        _ = Env;
        var agent = Agent("tools: [read_file]");
        var literal = Path.Combine(work, "literal-models.yaml");
        File.WriteAllText(literal, $"model_list:\n  - model_name: smart\n    litellm_params: {{ model: openai/gpt-4o, api_base: '{fake.BaseUrl}', api_key: {key} }}\n" +
            "  - model_name: claude\n    litellm_params: { model: anthropic/claude-3 }\n");
        fake.Enqueue(Reply.Text("fine").WithUsage(3, 1));
        var args = Exec(agent, "hi").Select(a => a == ModelsFile ? literal : a).ToArray();
        var r = (await Env.RunAsync(args, null, TimeSpan.FromSeconds(120))).Exit(0);
        Assert.Contains($"kubiya: warning: {literal}:3:", r.Stderr);
        Assert.Contains("the key of model 'smart' is written in the file", r.Stderr);
        Assert.Contains("provider 'anthropic' does not speak the OpenAI protocol", r.Stderr);
        Assert.DoesNotContain(key, r.Stdout + r.Stderr);
        // The given list is what the run used.
        Assert.Equal("fine", r.Json.GetProperty("output").GetString()!.Trim());
    }

    [Fact]
    public async Task TextModeStreamsTheAnswerToStdoutAndTheLogReadsBackEveryKind()
    {
        var agent = Agent("tools: [shell]");
        fake.Enqueue(
            Reply.ToolCall("shell", new { command = "echo tool-line" }).WithUsage(5, 5),
            Reply.TextInChunks("Final ", "answer ", "here.").WithUsage(6, 6));
        var args = Exec(agent, "say it").Where(a => a != "-o" && a != "json").ToArray();
        var r = (await Env.RunAsync(args, null, TimeSpan.FromSeconds(120))).Exit(0);
        Assert.Equal("Final answer here.", r.Stdout.Trim());
        Assert.Contains("tool-line", r.Stderr);
        var id = System.Text.RegularExpressions.Regex.Match(r.Stderr, @"exec-\w+").Value;
        // The closing line carries the bill: model, turns, tool calls, tokens and price.
        Assert.Matches(@"Execution exec-\w+ Completed in \S+ \(smart: 2 turn\(s\), 1 tool call\(s\), 11 \+ 11 tokens, \$0\.\d+\)", r.Stderr);

        var text = (await Env.RunAsync("execution", "logs", id)).Exit(0).Stdout;
        Assert.Contains("Tool shell {\"command\":\"echo tool-line\"}", text);
        Assert.Contains("Tool shell returned", text);
        Assert.Contains("Turn 2: smart used 6 input + 6 output tokens", text);
        Assert.Contains("\nFinal answer here.\n", text.Replace("\r", ""));
        var json = (await Env.RunAsync("execution", "logs", id, "-o", "json")).Exit(0).Stdout;
        var kinds = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("kind").GetString()).ToHashSet();
        foreach (var k in new[] { "Message", "ToolCall", "ToolResult", "Usage", "Output", "Completed" }) Assert.Contains(k, kinds);
        await AssertKeyAbsentAsync(id);
    }

    [Fact]
    public async Task AskUserIsAnsweredWithExecutionInputOnAQueuedRun()
    {
        var agent = Agent("tools: [ask_user]");
        fake.Enqueue(
            Reply.ToolCall("ask_user", new { question = "Which colour?" }),
            Reply.Text("You chose teal."));
        var queue = CliFixture.Unique("llm-q");
        using var worker = Env.Start(new[] { "worker", "start", "--queue-id", queue, "--proxy-config-file", ModelsFile }, workingDirectory: work);
        try
        {
            await worker.WaitForLineAsync(l => l.Contains("polling queue"), TimeSpan.FromSeconds(60));
            var id = (await Env.RunAsync("exec", "agent", agent, "pick a colour", "--queue", queue, "--no-wait", "-o", "json")).Exit(0).Json.GetProperty("id").GetString()!;
            JsonElement state = default;
            for (var i = 0; i < 150; i++)
            {
                state = (await Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
                if (state.GetProperty("status").GetString() == "WaitingForInput") break;
                await Task.Delay(200);
            }
            Assert.Equal("WaitingForInput", state.GetProperty("status").GetString());
            Assert.Equal("Which colour?", state.GetProperty("question").GetString());
            (await Env.RunAsync("execution", "input", id, "teal")).Exit(0);
            var done = (await Env.RunAsync(new[] { "execution", "watch", id }, null, TimeSpan.FromSeconds(60))).Exit(0);
            var final = (await Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
            Assert.Equal("Completed", final.GetProperty("status").GetString());
            Assert.Equal("You chose teal.", final.GetProperty("output").GetString());
            Assert.Equal("teal", fake.ChatRequests[1].Messages.Last(m => m.Role == "tool").Content);
            await AssertKeyAbsentAsync(id);
        }
        finally
        {
            worker.Signal("INT");
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task ATeamShowsItsMembersQuestionAndTheAnswerToTheTeamReachesTheMember()
    {
        var member = Agent("tools: [ask_user]");
        var team = CliFixture.Unique("asking-team");
        fx.WriteAgent(team, $"name: {team}\nkind: team\nmode: coordinator\nmodel: smart\nagents: [{member}]\n");
        fake.Enqueue(
            Reply.ToolCall("delegate", new { agent = member, task = "ask for a colour" }),
            Reply.ToolCall("ask_user", new { question = "Which colour?" }),
            Reply.Text("Member got teal."),
            Reply.Text("Team got teal."));
        var queue = CliFixture.Unique("team-q");
        using var worker = Env.Start(new[] { "worker", "start", "--queue-id", queue, "--proxy-config-file", ModelsFile }, workingDirectory: work);
        try
        {
            await worker.WaitForLineAsync(l => l.Contains("polling queue"), TimeSpan.FromSeconds(60));
            var id = (await Env.RunAsync("exec", "team", team, "get a colour", "--queue", queue, "--no-wait", "-o", "json")).Exit(0).Json.GetProperty("id").GetString()!;
            JsonElement state = default;
            for (var i = 0; i < 150; i++)
            {
                state = (await Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
                if (state.GetProperty("status").GetString() == "WaitingForInput") break;
                await Task.Delay(200);
            }
            Assert.Equal("WaitingForInput", state.GetProperty("status").GetString());
            Assert.Equal($"{member} asks: Which colour?", state.GetProperty("question").GetString());
            var child = state.GetProperty("waitingOn").GetString()!;
            Assert.StartsWith(id + "-", child);
            Assert.Equal("WaitingForInput", (await Env.RunAsync("execution", "get", child, "-o", "json")).Exit(0).Json.GetProperty("status").GetString());
            var text = (await Env.RunAsync("execution", "get", id)).Exit(0).Stdout;
            Assert.Contains($"Waiting on:  {child}", text);
            var listed = (await Env.RunAsync("execution", "list", "--team", team, "--status", "WaitingForInput", "-o", "json")).Exit(0).Json;
            Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());

            (await Env.RunAsync("execution", "input", id, "teal")).Exit(0);
            (await Env.RunAsync(new[] { "execution", "watch", id }, null, TimeSpan.FromSeconds(60))).Exit(0);
            var final = (await Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
            Assert.Equal("Completed", final.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, final.GetProperty("waitingOn").ValueKind);
            Assert.Equal("teal", fake.ChatRequests[2].Messages.Last(m => m.Role == "tool").Content);
        }
        finally
        {
            worker.Signal("INT");
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task BudgetExceededExitsWithFailureAndTheErrorId()
    {
        var agent = Agent("tools: [list_files]\nmaxCostUsd: 0.0005");
        fake.Enqueue(
            Reply.ToolCall("list_files", new { pattern = "*" }).WithUsage(100, 10),
            Reply.ToolCall("list_files", new { pattern = "*" }).WithUsage(100, 50),
            Reply.Text("never"));
        var r = (await Env.RunAsync(Exec(agent, "spend"), null, TimeSpan.FromSeconds(120))).Exit(1);
        var j = r.Json;
        Assert.Equal("Failed", j.GetProperty("status").GetString());
        Assert.Equal("BudgetExceeded", j.GetProperty("errorId").GetString());
        Assert.Equal(2, fake.ChatRequests.Count);
        Assert.DoesNotContain(key, r.Stdout + r.Stderr);
        await AssertKeyAbsentAsync(j.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task ApproveToolsRunsTheToolAndNonInteractiveLocalRunsFailFastWithout()
    {
        var agent = Agent("tools: [write_file]\napprove: [write_file]");
        fake.Enqueue(Reply.ToolCall("write_file", new { path = "gate.txt", content = "opened" }));
        // Exit 4, as for an approval step: the run needed an approval nobody could give here.
        var refused = (await Env.RunAsync(Exec(agent, "write", "--non-interactive"), null, TimeSpan.FromSeconds(120))).Exit(4);
        Assert.Equal("ApprovalRequired", refused.Json.GetProperty("errorId").GetString());
        Assert.False(File.Exists(Path.Combine(work, "gate.txt")));
        Assert.Single(fake.ChatRequests);

        // Asked on stderr and answered on stdin, the question said once.
        fake.Enqueue(Reply.ToolCall("write_file", new { path = "asked.txt", content = "yes" }), Reply.Text("Asked."));
        var asked = (await Env.RunAsync(Exec(agent, "write"), "yes\n", TimeSpan.FromSeconds(120))).Exit(0);
        Assert.Contains("Allow tool 'write_file' to run with {\"path\":\"asked.txt\",\"content\":\"yes\"}? (yes/no): ", asked.Stderr);
        Assert.DoesNotContain("(yes/no) [yes/no]", asked.Stderr);
        Assert.True(File.Exists(Path.Combine(work, "asked.txt")));

        fake.Enqueue(Reply.ToolCall("write_file", new { path = "gate.txt", content = "opened" }), Reply.Text("Opened."));
        var ok = (await Env.RunAsync(Exec(agent, "write", "--non-interactive", "--approve-tools"), null, TimeSpan.FromSeconds(120))).Exit(0);
        Assert.Equal("Opened.", ok.Json.GetProperty("output").GetString());
        Assert.Equal("opened", File.ReadAllText(Path.Combine(work, "gate.txt")));
        await AssertKeyAbsentAsync(ok.Json.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task ModelOptionAndKubiyaModelOverrideTheAgentsModel()
    {
        var agent = Agent("tools: [read_file]");
        fake.Enqueue(Reply.Text("cheap one"), Reply.Text("cheap again"));
        var byOption = (await Env.RunAsync(Exec(agent, "hi", "--model", "cheap"), null, TimeSpan.FromSeconds(120))).Exit(0).Json;
        Assert.Equal("cheap", byOption.GetProperty("model").GetString());
        Assert.Equal("gpt-cheap", fake.ChatRequests[0].Model);
        Assert.Equal(JsonValueKind.Null, byOption.GetProperty("costUsd").ValueKind);
        var byEnv = (await Env.With("KUBIYA_MODEL", "cheap").RunAsync(Exec(agent, "hi"), null, TimeSpan.FromSeconds(120))).Exit(0).Json;
        Assert.Equal("cheap", byEnv.GetProperty("model").GetString());
        Assert.Equal("gpt-cheap", fake.ChatRequests[1].Model);
        await AssertKeyAbsentAsync(byEnv.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task AgentListAndGetShowModelAndTools()
    {
        var agent = Agent("description: Looks things up\ntools: [read_file, search_files]\nmcp:\n  - name: docs\n    command: docs-server\nmaxTurns: 7");
        var list = (await Env.RunAsync("agent", "list")).Exit(0).Stdout;
        Assert.Contains(list.Split('\n'), l => l.StartsWith(agent) && l.Contains("llm") && l.Contains("smart, 2 tool(s)"));
        var get = (await Env.RunAsync("agent", "get", agent)).Exit(0).Stdout;
        Assert.Contains("Model:        smart", get);
        Assert.Contains("Tools:        read_file, search_files, mcp:docs", get);
        Assert.Contains("Max turns:    7", get);
        var json = (await Env.RunAsync("agent", "get", agent, "-o", "json")).Exit(0).Json;
        Assert.Equal("smart", json.GetProperty("model").GetString());
        Assert.Equal(new[] { "read_file", "search_files", "mcp:docs" }, json.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task UnknownToolInTheYamlIsReportedWithItsPosition()
    {
        var name = CliFixture.Unique("badtool");
        fx.WriteAgent(name, $"name: {name}\nkind: llm\nmodel: smart\ntools: [read_file, telepathy]\n");
        var r = await Env.RunAsync("agent", "get", name);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"{name}.yaml:4:20: tools[1]: unknown tool 'telepathy'; known tools: ", r.Stderr);
        var run = await Env.RunAsync(Exec(name, "go"));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("unknown tool 'telepathy'", run.Stderr);
        Assert.Empty(fake.Requests);
    }

    /// <summary>Every run's raw history and the memo of <paramref name="id"/>, searched for the key.</summary>
    private async Task AssertKeyAbsentAsync(string id)
    {
        var client = await fx.Server.ConnectAsync();
        var desc = await client.GetWorkflowHandle(id).DescribeAsync();
        var text = new StringBuilder();
        string? runId = (await client.Connection.WorkflowService.DescribeWorkflowExecutionAsync(new DescribeWorkflowExecutionRequest
        {
            Namespace = client.Options.Namespace,
            Execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = id },
        })).WorkflowExecutionInfo.FirstRunId;
        while (runId != null)
        {
            string? next = null;
            ByteString token = ByteString.Empty;
            do
            {
                var page = await client.Connection.WorkflowService.GetWorkflowExecutionHistoryAsync(new GetWorkflowExecutionHistoryRequest
                {
                    Namespace = client.Options.Namespace,
                    Execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = id, RunId = runId },
                    NextPageToken = token,
                });
                foreach (var e in page.History.Events)
                {
                    text.Append(JsonFormatter.Default.Format(e)).Append('\n').Append(Encoding.UTF8.GetString(e.ToByteArray())).Append('\n');
                    if (e.EventType == EventType.WorkflowExecutionContinuedAsNew) next = e.WorkflowExecutionContinuedAsNewEventAttributes.NewExecutionRunId;
                }
                token = page.NextPageToken;
            }
            while (!token.IsEmpty);
            runId = next;
        }
        foreach (var (k, v) in desc.Memo) text.Append(k).Append('=').Append(Encoding.UTF8.GetString(v.Payload.ToByteArray())).Append('\n');
        Assert.True(text.Length > 1000, "the history was read");
        Assert.DoesNotContain(key, text.ToString());
    }

    public void Dispose()
    {
        fake.Dispose();
        try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
