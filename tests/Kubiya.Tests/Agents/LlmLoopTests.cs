using Kubiya.Testing.FakeOpenAi;
using Kubiya.Tests.PowerShell;

namespace Kubiya.Tests.Agents;

/// <summary>
/// The durable agent loop through the built module: the production gateway talks to a fake
/// OpenAI endpoint over loopback, the production tool runner works in the session's folder, and
/// every execution's raw history is searched for the API key.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Agents")]
public sealed class LlmLoopTests(ModuleFixture fx)
{
    private static string Tools(params string[] names) => $"tools: [{string.Join(", ", names)}]";

    [Fact]
    public async Task AgentReadsEditsRunsAsksAndFinishes()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        File.WriteAllText(s.PathOf("notes.txt"), "status: draft\n");
        kit.Agent("editor", Tools("read_file", "edit_file", "shell", "ask_user"));
        kit.Fake.Enqueue(
            Reply.ToolCall("read_file", new { path = "notes.txt" }).WithUsage(50, 10),
            Reply.ToolCall("edit_file", new { path = "notes.txt", oldText = "draft", newText = "final" }).WithUsage(60, 12),
            Reply.ToolCall("shell", new { command = "cat notes.txt" }).WithUsage(70, 8),
            Reply.ToolCall("ask_user", new { question = "Publish the notes?" }).WithUsage(80, 9),
            Reply.Text("Published the final notes.").WithUsage(90, 7));
        var q = ModuleFixture.Unique("llm");
        kit.StartWorker(q);
        var id = kit.Submit("editor", "Finalize notes.txt", q);

        await kit.WaitForStatusAsync(id, "WaitingForInput");
        Assert.Equal("Publish the notes?", s.Run($"(Get-KubiyaExecution -Id {id}).Question").Ok().Single().ToString());
        s.Run($"Send-KubiyaExecutionInput -Id {id} -Answer 'yes, publish'").Ok();
        var e = s.Run($"Wait-KubiyaExecution -Id {id} -Timeout 60").Ok();

        Assert.Equal("Completed", e.Prop<string>("Status"));
        Assert.Equal("Published the final notes.", e.Prop<string>("Output"));
        Assert.Equal("status: final\n", File.ReadAllText(s.PathOf("notes.txt")));
        Assert.Equal(5, e.Prop<int>("Turns"));
        Assert.Equal(4, e.Prop<int>("ToolCalls"));
        Assert.Equal("fast", e.Prop<string>("Model"));
        Assert.Equal(5, kit.Fake.ChatRequests.Count);
        Assert.Contains("status: draft", kit.RequestText(1));
        Assert.Contains("status: final", kit.RequestText(3));
        Assert.Contains("tool: yes, publish", kit.RequestText(4));
        Assert.Equal("system", kit.Fake.ChatRequests[0].Messages[0].Role);
        Assert.Equal("You are a careful test agent.", kit.Fake.ChatRequests[0].Messages[0].Content);
        Assert.Contains("read_file", kit.Fake.ChatRequests[0].ToolNames);
        await kit.AssertKeyAbsentAsync(id);
    }

    [Fact]
    public async Task UsageAndCostAreTheSumsOfTheScriptedUsagesTimesThePrices()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("counter", Tools("list_files"));
        kit.Fake.Enqueue(
            Reply.ToolCall("list_files", new { pattern = "*" }).WithUsage(120, 30),
            Reply.ToolCall("list_files", new { pattern = "*.txt" }).WithUsage(340, 45),
            Reply.Text("Nothing to count.").WithUsage(560, 25));
        var e = kit.RunLocal("counter", "count files").Ok();
        Assert.Equal("Completed", e.Prop<string>("Status"));
        Assert.Equal(1020L, e.Prop<long>("InputTokens"));
        Assert.Equal(100L, e.Prop<long>("OutputTokens"));
        Assert.Equal(1020 * LlmTestKit.InputPrice + 100 * LlmTestKit.OutputPrice, e.Prop<double>("CostUsd"), 12);
        Assert.Equal(3, e.Prop<int>("Turns"));
        Assert.Equal(2, e.Prop<int>("ToolCalls"));
        var listed = s.Run($"Get-KubiyaExecution -Id {e.Prop<string>("Id")}").Ok();
        Assert.Equal(1020L, listed.Prop<long>("InputTokens"));
        Assert.Equal(e.Prop<double>("CostUsd"), listed.Prop<double>("CostUsd"), 12);
        await kit.AssertKeyAbsentAsync(e.Prop<string>("Id"));
    }

    [Fact]
    public async Task StreamedTextToolCallsAndUsageAppearInTheLog()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        File.WriteAllText(s.PathOf("hello.txt"), "hello from the file");
        kit.Agent("talker", Tools("read_file"));
        kit.Fake.Enqueue(
            Reply.ToolCall("read_file", new { path = "hello.txt" }).WithUsage(10, 5),
            Reply.TextInChunks("The file ", "says hel", "lo.\nThat is ", "all.").WithUsage(20, 6));
        var run = kit.RunLocal("talker", "what does hello.txt say");
        var e = run.Ok();
        var id = e.Prop<string>("Id");
        Assert.Contains(run.Information, i => i.Tags.Contains("Message") && i.MessageData.ToString()!.Contains("The file says hello."));

        var log = s.Run($"Get-KubiyaExecutionLog -Id {id} | ForEach-Object {{ \"$($_.Kind)|$($_.Text)\" }}").Ok().Output.Select(o => o.ToString()!).ToList();
        Assert.Contains("Message|The file says hello.", log);
        Assert.Contains("Message|That is all.", log);
        Assert.Contains(log, l => l.StartsWith("ToolCall|Tool read_file ") && l.Contains("hello.txt"));
        Assert.Contains(log, l => l.StartsWith("ToolResult|Tool read_file returned") && l.Contains("hello from the file"));
        Assert.Contains(log, l => l.StartsWith("Usage|Turn 2: fast used 20 input + 6 output tokens"));
        var kinds = log.Select(l => l.Split('|')[0]).ToList();
        Assert.True(kinds.IndexOf("ToolCall") < kinds.IndexOf("Message") && kinds.IndexOf("Message") < kinds.LastIndexOf("Completed"), string.Join("\n", log));
        await kit.AssertKeyAbsentAsync(id);
    }

    [Fact]
    public void AnMcpServerThatCannotStartFailsTheRunWithItsNameAndReasonInTheLog()
    {
        if (OperatingSystem.IsWindows()) return;
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("documented", "tools: [list_files]\nmcp:\n  - { name: docs, command: sh, args: [\"-c\", \"echo 'Error: docs-server.js not found' >&2; exit 1\"] }");
        var r = kit.RunLocal("documented", "look it up");
        Assert.Equal("Failed", r.Prop<string>("Status"));
        Assert.Contains("MCP server 'docs' could not be started (sh)", r.Prop<string>("Error"));
        Assert.Contains("it wrote: Error: docs-server.js not found", r.Prop<string>("Error"));
        Assert.Empty(kit.Fake.ChatRequests);
        // The log says what failed, not a step it cannot name.
        var log = s.Run($"Get-KubiyaExecutionLog -Id {r.Prop<string>("Id")} | ForEach-Object {{ \"$($_.Kind)|$($_.Step)|$($_.Text)\" }}").Ok().Output.Select(o => o.ToString()!).ToList();
        Assert.DoesNotContain(log, l => l.Contains("Step '?'", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("StepFailed|mcp|Could not list the MCP servers' tools: MCP server 'docs'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CostOverTheBudgetFailsWithBudgetExceeded()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("spender", Tools("list_files") + "\nmaxCostUsd: 0.001");
        kit.Fake.Enqueue(
            Reply.ToolCall("list_files", new { pattern = "*" }).WithUsage(200, 10),
            Reply.ToolCall("list_files", new { pattern = "*" }).WithUsage(400, 100),
            Reply.Text("never reached"));
        var r = kit.RunLocal("spender", "spend");
        Assert.Equal("Failed", r.Prop<string>("Status"));
        Assert.Equal("BudgetExceeded", r.Prop<string>("ErrorId"));
        Assert.Contains("budget of $0.001", r.Prop<string>("Error"));
        Assert.StartsWith("BudgetExceeded,", Assert.Single(r.Errors).FullyQualifiedErrorId);
        Assert.Equal(2, kit.Fake.ChatRequests.Count);
        Assert.Equal(1, kit.Fake.PendingReplies);
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"));
    }

    [Fact]
    public async Task MaxTurnsReachedFailsWithMaxTurnsExceeded()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("looper", Tools("list_files") + "\nmaxTurns: 2");
        kit.Fake.Enqueue(
            Reply.ToolCall("list_files", new { pattern = "*" }),
            Reply.ToolCall("list_files", new { pattern = "*" }),
            Reply.ToolCall("list_files", new { pattern = "*" }));
        var r = kit.RunLocal("looper", "loop");
        Assert.Equal("Failed", r.Prop<string>("Status"));
        Assert.Equal("MaxTurnsExceeded", r.Prop<string>("ErrorId"));
        Assert.Contains("all 2 model turns", r.Prop<string>("Error"));
        Assert.Equal(2, kit.Fake.ChatRequests.Count);
        Assert.Equal(2, r.Prop<int>("Turns"));
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"));
    }

    [Fact]
    public async Task DeniedCommandIsAToolErrorTheModelReadsNext()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        File.WriteAllText(s.PathOf("keep.txt"), "keep me");
        kit.Agent("careful", Tools("shell") + "\npolicy:\n  shell:\n    deny: [\"rm *\"]");
        kit.Fake.Enqueue(
            Reply.ToolCall("shell", new { command = "rm keep.txt" }),
            Reply.Text("I was not allowed to delete it."));
        var r = kit.RunLocal("careful", "delete keep.txt").Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.True(File.Exists(s.PathOf("keep.txt")), "the denied command did not run");
        var toolMessage = kit.Fake.ChatRequests[1].Messages.Single(m => m.Role == "tool");
        Assert.StartsWith("ERROR:", toolMessage.Content);
        Assert.Contains("denied by policy", toolMessage.Content);
        Assert.Contains("rm *", toolMessage.Content);
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"));
    }

    [Fact]
    public async Task PathEscapingTheWorkingDirectoryIsRefused()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        var outside = Path.Combine(Path.GetDirectoryName(s.WorkingDirectory)!, "outside-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(outside, "top secret outside");
        try
        {
            kit.Agent("escaper", Tools("read_file"));
            kit.Fake.Enqueue(
                Reply.ToolCall("read_file", new { path = "../" + Path.GetFileName(outside) }),
                Reply.ToolCall("read_file", new { path = outside }),
                Reply.Text("Could not read it."));
            var r = kit.RunLocal("escaper", "read the file next door").Ok();
            var first = kit.Fake.ChatRequests[1].Messages.Last(m => m.Role == "tool").Content!;
            var second = kit.Fake.ChatRequests[2].Messages.Last(m => m.Role == "tool").Content!;
            foreach (var refused in new[] { first, second })
            {
                Assert.StartsWith("ERROR:", refused);
                Assert.DoesNotContain("top secret", refused);
            }
            Assert.Contains("outside", first.ToLowerInvariant());
            await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"));
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public async Task ApproveListedToolWaitsForAPersonBeforeItRuns()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("guarded", Tools("shell") + "\napprove: [shell]");
        kit.Fake.Enqueue(
            Reply.ToolCall("shell", new { command = "echo ran > approved.txt" }),
            Reply.Text("Done."));
        var q = ModuleFixture.Unique("llm-approve");
        kit.StartWorker(q);
        var id = kit.Submit("guarded", "write the file", q, "-Yes");
        await kit.WaitForStatusAsync(id, "WaitingForInput");
        var question = s.Run($"(Get-KubiyaExecution -Id {id}).Question").Ok().Single().ToString()!;
        Assert.Contains("Allow tool 'shell'", question);
        Assert.Contains("approved.txt", question);
        Assert.False(File.Exists(s.PathOf("approved.txt")), "-Yes does not approve tools; nothing ran before the answer");
        s.Run($"Send-KubiyaExecutionInput -Id {id} -Answer yes").Ok();
        var e = s.Run($"Wait-KubiyaExecution -Id {id} -Timeout 60").Ok();
        Assert.Equal("Completed", e.Prop<string>("Status"));
        Assert.Equal("ran", File.ReadAllText(s.PathOf("approved.txt")).Trim());
        await kit.AssertKeyAbsentAsync(id);
    }

    [Fact]
    public async Task RejectedApprovalIsFedBackAndTheToolDoesNotRun()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("guarded2", Tools("write_file") + "\napprove: [write_file]");
        kit.Fake.Enqueue(
            Reply.ToolCall("write_file", new { path = "nope.txt", content = "x" }),
            Reply.Text("Understood, not writing."));
        var q = ModuleFixture.Unique("llm-reject");
        kit.StartWorker(q);
        var id = kit.Submit("guarded2", "write nope.txt", q);
        await kit.WaitForStatusAsync(id, "WaitingForInput");
        s.Run($"Send-KubiyaExecutionInput -Id {id} -Answer no").Ok();
        var e = s.Run($"Wait-KubiyaExecution -Id {id} -Timeout 60").Ok();
        Assert.Equal("Completed", e.Prop<string>("Status"));
        Assert.False(File.Exists(s.PathOf("nope.txt")));
        Assert.Contains("did not approve", kit.Fake.ChatRequests[1].Messages.Last(m => m.Role == "tool").Content);
        await kit.AssertKeyAbsentAsync(id);
    }

    [Fact]
    public async Task ApproveToolsRunsApproveListedToolsWithoutAsking()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("guarded3", Tools("write_file") + "\napprove: [write_file]");
        kit.Fake.Enqueue(
            Reply.ToolCall("write_file", new { path = "yes.txt", content = "approved up front" }),
            Reply.Text("Written."));
        var r = kit.RunLocal("guarded3", "write yes.txt", "-ApproveTools").Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Equal("approved up front", File.ReadAllText(s.PathOf("yes.txt")));
        Assert.DoesNotContain(r.Information, i => i.Tags.Contains("Question"));
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"));
    }

    [Fact]
    public async Task NonInteractiveLocalRunThatNeedsApprovalFailsFast()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("guarded4", Tools("shell") + "\napprove: [shell]");
        kit.Fake.Enqueue(Reply.ToolCall("shell", new { command = "echo hi > never.txt" }), Reply.Text("unreached"));
        PsResult r;
        try
        {
            Environment.SetEnvironmentVariable("KUBIYA_NON_INTERACTIVE", "true");
            using var ni = fx.NewSession();
            File.Copy(kit.ModelsFile, ni.PathOf("models.yaml"));
            TestAgents.WriteProjectAgent(ni.WorkingDirectory, "guarded4", File.ReadAllText(Path.Combine(s.WorkingDirectory, ".kubiya", "agents", "guarded4.yaml")));
            r = ni.Run($"Invoke-KubiyaExec -Agent guarded4 'go' -Local -ModelConfig '{ni.PathOf("models.yaml")}'", TimeSpan.FromSeconds(60));
            Assert.False(File.Exists(ni.PathOf("never.txt")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBIYA_NON_INTERACTIVE", null);
        }
        Assert.Equal("Failed", r.Prop<string>("Status"));
        Assert.Equal("ApprovalRequired", r.Prop<string>("ErrorId"));
        Assert.Contains("-ApproveTools", r.Prop<string>("Error"));
        Assert.StartsWith("ApprovalRequired,", Assert.Single(r.Errors).FullyQualifiedErrorId);
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"));
    }

    [Fact]
    public async Task CheckpointIsADurableLogEvent()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("reporter", Tools("checkpoint"));
        kit.Fake.Enqueue(Reply.ToolCall("checkpoint", new { message = "Half way there" }), Reply.Text("Finished."));
        var r = kit.RunLocal("reporter", "report progress").Ok();
        var log = s.Run($"Get-KubiyaExecutionLog -Id {r.Prop<string>("Id")} | Where-Object Kind -eq Checkpoint | ForEach-Object Text").Ok();
        Assert.Contains(log.Output, o => o.ToString()!.Contains("Half way there"));
        Assert.Equal("Checkpoint recorded.", kit.Fake.ChatRequests[1].Messages.Last(m => m.Role == "tool").Content);
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"));
    }

    [Fact]
    public async Task ContinueAsNewKeepsTheWholeConversation()
    {
        Environment.SetEnvironmentVariable("KUBIYA_LLM_CONTINUE_AS_NEW_TURNS", "2");
        try
        {
            using var s = fx.NewSession();
            using var kit = new LlmTestKit(fx, s);
            File.WriteAllText(s.PathOf("early.txt"), "EARLY-MARKER");
            kit.Agent("long", Tools("read_file", "list_files"));
            kit.Fake.Enqueue(
                Reply.ToolCall("read_file", new { path = "early.txt" }).WithUsage(10, 1),
                Reply.ToolCall("list_files", new { pattern = "*" }).WithUsage(10, 1),
                Reply.ToolCall("list_files", new { pattern = "*.txt" }).WithUsage(10, 1),
                Reply.ToolCall("list_files", new { pattern = "*.md" }).WithUsage(10, 1),
                Reply.Text("Remembered EARLY-MARKER.").WithUsage(10, 1));
            var r = kit.RunLocal("long", "remember the early file").Ok();
            Assert.Equal("Completed", r.Prop<string>("Status"));
            Assert.Equal(5, r.Prop<int>("Turns"));
            Assert.Equal(50L, r.Prop<long>("InputTokens"));
            var last = kit.RequestText(4);
            Assert.Contains("user: remember the early file", last);
            Assert.Contains("tool: EARLY-MARKER", last.Replace("\r", ""));
            // system, the prompt, then four (assistant call, tool result) pairs from three runs.
            Assert.Equal(10, kit.Fake.ChatRequests[4].Messages.Count);
            var id = r.Prop<string>("Id");
            await kit.AssertKeyAbsentAsync(id);
            Assert.Equal(3, kit.Runs);
            var usage = s.Run($"@(Get-KubiyaExecutionLog -Id {id} | Where-Object Kind -eq Usage).Count").Ok().Single();
            Assert.Equal(5, (int)usage.BaseObject);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBIYA_LLM_CONTINUE_AS_NEW_TURNS", null);
        }
    }

    [Fact]
    public async Task ParentExecutionCarriesTheConversation()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("memory", Tools("read_file"));
        kit.Fake.Enqueue(Reply.Text("The code word is PINEAPPLE."), Reply.Text("You told me PINEAPPLE."));
        var first = kit.RunLocal("memory", "remember a code word").Ok();
        var second = kit.RunLocal("memory", "what was the code word", $"-ParentExecution {first.Prop<string>("Id")}").Ok();
        Assert.Equal(first.Prop<string>("Id"), second.Prop<string>("ParentExecutionId"));
        var messages = kit.Fake.ChatRequests[1].Messages;
        Assert.Equal(new[] { "system", "user", "assistant", "user" }, messages.Select(m => m.Role));
        Assert.Equal("remember a code word", messages[1].Content);
        Assert.Equal("The code word is PINEAPPLE.", messages[2].Content);
        Assert.Equal("what was the code word", messages[3].Content);
        await kit.AssertKeyAbsentAsync(second.Prop<string>("Id"));
    }

    [Fact]
    public async Task ModelOverrideAndModelErrorsAreSurfacedWithoutTheKey()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("picky", Tools("read_file"));
        kit.Fake.Enqueue(Reply.Text("from the other model"));
        var r = kit.RunLocal("picky", "hi", "-Model other").Ok();
        Assert.Equal("other", r.Prop<string>("Model"));
        Assert.Equal("gpt-other", kit.Fake.ChatRequests[0].Model);

        kit.Fake.RequiredApiKey = "sk-something-else";
        var failed = kit.RunLocal("picky", "hi again");
        Assert.Equal("Failed", failed.Prop<string>("Status"));
        Assert.Equal("ModelAuthFailed", failed.Prop<string>("ErrorId"));
        Assert.DoesNotContain(kit.Key, failed.Prop<string>("Error"));
        Assert.DoesNotContain(kit.Key, failed.ErrorText);
        await kit.AssertKeyAbsentAsync(failed.Prop<string>("Id"));
    }

    [Fact]
    public async Task CancelStopsTheRunningToolAndEndsCancelled()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("sleeper", Tools("shell"));
        kit.Fake.Enqueue(Reply.ToolCall("shell", new { command = "echo started > started.txt; sleep 20; echo late > late.txt" }), Reply.Text("unreached"));
        var q = ModuleFixture.Unique("llm-cancel");
        kit.StartWorker(q);
        var id = kit.Submit("sleeper", "sleep", q);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(s.PathOf("started.txt")) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(File.Exists(s.PathOf("started.txt")), "the tool started");
        s.Run($"Stop-KubiyaExecution -Id {id} -Confirm:$false").Ok();
        var e = s.Run($"Wait-KubiyaExecution -Id {id} -Timeout 60");
        Assert.Equal("Cancelled", e.Prop<string>("Status"));
        await Task.Delay(3000);
        Assert.False(File.Exists(s.PathOf("late.txt")), "the tool's process was stopped");
        Assert.Single(kit.Fake.ChatRequests);
        await kit.AssertKeyAbsentAsync(id);
    }
}
