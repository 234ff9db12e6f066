using Kubiya.Testing.FakeOpenAi;
using Kubiya.Tests.PowerShell;

namespace Kubiya.Tests.Agents;

/// <summary>
/// Teams with <c>mode: coordinator</c> through the built module: the coordinator model (the fake
/// OpenAI endpoint) delegates to members, each member runs as its own child execution, and the
/// team's log, tokens and cost include the members'.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Agents")]
public sealed class CoordinatorTeamTests(ModuleFixture fx)
{
    private static void Team(PsSession s, string name, string members, string extra = "") =>
        TestAgents.WriteProjectAgent(s.WorkingDirectory, name,
            $"name: {name}\nkind: team\nmode: coordinator\nmodel: fast\ndescription: test crew\nagents: [{members}]\n{extra}");

    private static List<PSObjectView> Children(PsSession s, string parentId) =>
        s.Run($"$q = (Get-KubiyaExecution -Id '{parentId}').Queue; Get-KubiyaExecution -Queue $q | Where-Object ParentExecutionId -eq '{parentId}' | ForEach-Object {{ \"$($_.Id)|$($_.Agent)|$($_.Status)|$($_.InputTokens)|$($_.CostUsd)\" }}")
            .Ok().Output.Select(o => new PSObjectView(o.ToString()!)).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();

    [Fact]
    public async Task CoordinatorDelegatesToARunbookAndAnLlmMemberAndRollsUpLogAndCost()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "lister",
            "name: lister\ndescription: lists things\nsteps:\n  - name: say\n    shell: 'echo \"RUNBOOK-SAYS: $KUBIYA_PROMPT\"'\n");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "writer",
            "name: writer\nkind: llm\nmodel: cheap\ndescription: writes files\ninstructions: You write files.\ntools: [write_file]\n");
        Team(s, "crew", "lister, writer");
        kit.Fake.Enqueue(
            Reply.ToolCall("delegate", new { agent = "lister", task = "list the things" }).WithUsage(100, 10),
            Reply.ToolCall("delegate", new { agent = "writer", task = "write report.txt saying done" }).WithUsage(200, 20),
            Reply.ToolCall("write_file", new { path = "report.txt", content = "done" }).WithUsage(50, 5),
            Reply.Text("WRITER-FINISHED the report.").WithUsage(60, 6),
            Reply.Text("TEAM-DONE: listed and written.").WithUsage(300, 30));

        var r = s.Run($"Invoke-KubiyaExec -Team crew 'list then write' -Local -ModelConfig '{kit.ModelsFile}'", TimeSpan.FromSeconds(120)).Ok();
        var id = r.Prop<string>("Id");
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Equal("TEAM-DONE: listed and written.", r.Prop<string>("Output"));
        Assert.Equal("done", File.ReadAllText(s.PathOf("report.txt")));
        // Followed live, the team's run shows its members' output as they write it.
        Assert.Contains(r.Information, i => i.MessageData.ToString()!.Contains("RUNBOOK-SAYS: list the things"));
        Assert.Contains(r.Information, i => i.Tags.Contains("Message") && i.MessageData.ToString()!.Contains("WRITER-FINISHED the report."));

        // One request per turn, in order, each to its own model: no finished turn was asked twice.
        Assert.Equal(new[] { "gpt-4o-mini", "gpt-4o-mini", "gpt-cheap", "gpt-cheap", "gpt-4o-mini" }, kit.Fake.ChatRequests.Select(q => q.Model));
        Assert.Equal(0, kit.Fake.PendingReplies);
        var first = kit.Fake.ChatRequests[0];
        Assert.Equal(new[] { "delegate" }, first.ToolNames);
        Assert.Contains("\"lister\"", first.Tools!.Value.GetRawText());
        Assert.Contains("\"writer\"", first.Tools!.Value.GetRawText());
        Assert.Contains("lister (runbook)", first.Messages[0].Content);
        var listerResult = kit.Fake.ChatRequests[1].Messages.Last(m => m.Role == "tool").Content!;
        Assert.Contains("RUNBOOK-SAYS: list the things", listerResult);
        Assert.Equal("write report.txt saying done", kit.Fake.ChatRequests[2].Messages.Last(m => m.Role == "user").Content);
        Assert.Contains("WRITER-FINISHED the report.", kit.Fake.ChatRequests[4].Messages.Last(m => m.Role == "tool").Content);

        // Both members ran as their own executions, children of the team's.
        var children = Children(s, id);
        Assert.Equal(new[] { "lister", "writer" }, children.Select(c => c.Agent));
        Assert.All(children, c => Assert.Equal("Completed", c.Status));
        var writer = s.Run($"Get-KubiyaExecution -Id {children[1].Id}").Ok();
        Assert.Equal(id, writer.Prop<string>("ParentExecutionId"));
        Assert.Equal(110L, writer.Prop<long>("InputTokens"));
        Assert.Equal("cheap", writer.Prop<string>("Model"));
        var writerCost = 110 * LlmTestKit.CheapInputPrice + 11 * LlmTestKit.CheapOutputPrice;
        Assert.Equal(writerCost, writer.Prop<double>("CostUsd"), 12);

        // The team's totals hold the coordinator's and the members'.
        var team = s.Run($"Get-KubiyaExecution -Id {id}").Ok();
        Assert.Equal(600L + 110L, team.Prop<long>("InputTokens"));
        Assert.Equal(60L + 11L, team.Prop<long>("OutputTokens"));
        Assert.Equal(3, team.Prop<int>("ToolCalls"));
        Assert.Equal(3, team.Prop<int>("Turns"));
        Assert.Equal(600 * LlmTestKit.InputPrice + 60 * LlmTestKit.OutputPrice + writerCost, team.Prop<double>("CostUsd"), 12);
        Assert.Equal("crew", team.Prop<string>("Team"));

        // The team's log shows each delegation and the members' own output and messages, tagged with the member.
        var log = s.Run($"Get-KubiyaExecutionLog -Id {id} | ForEach-Object {{ \"$($_.Kind)|$($_.Step)|$($_.ExecutionId)|$($_.Text)\" }}").Ok()
            .Output.Select(o => o.ToString()!).ToList();
        var text = string.Join("\n", log);
        Assert.Contains(log, l => l.StartsWith("ToolCall|delegate|") && l.Contains("lister (") && l.Contains("list the things"));
        Assert.Contains(log, l => l.StartsWith($"Output|lister/say|{children[0].Id}|RUNBOOK-SAYS: list the things"));
        Assert.Contains(log, l => l.StartsWith($"Message|writer/model|{children[1].Id}|WRITER-FINISHED the report."));
        Assert.Contains(log, l => l.StartsWith("ToolCall|writer/tool:write_file|"));
        Assert.Contains(log, l => l.StartsWith("StepCompleted|writer|") && l.Contains("Member 'writer'"));
        Assert.Contains(log, l => l.StartsWith("ToolResult|delegate|") && l.Contains("writer completed"));
        Assert.True(log.FindIndex(l => l.Contains("RUNBOOK-SAYS")) < log.FindIndex(l => l.Contains("WRITER-FINISHED")), text);
        Assert.Equal("Completed", log.Last().Split('|')[0]);

        await kit.AssertKeyAbsentAsync(id);
        foreach (var c in children) await kit.AssertKeyAbsentAsync(c.Id);
    }

    [Fact]
    public async Task UnknownMemberIsAToolErrorAndStartsNothing()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "helper", "name: helper\nsteps:\n  - shell: echo helped\n");
        Team(s, "crew2", "helper");
        kit.Fake.Enqueue(
            Reply.ToolCall("delegate", new { agent = "ghost", task = "haunt" }),
            Reply.Text("No ghost on this team."));
        var r = s.Run($"Invoke-KubiyaExec -Team crew2 'find the ghost' -Local -ModelConfig '{kit.ModelsFile}'", TimeSpan.FromSeconds(120)).Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        var tool = kit.Fake.ChatRequests[1].Messages.Last(m => m.Role == "tool").Content!;
        Assert.StartsWith("ERROR:", tool);
        Assert.Contains("no team member named 'ghost'", tool);
        Assert.Contains("helper", tool);
        Assert.Empty(Children(s, r.Prop<string>("Id")));
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"));
    }

    [Fact]
    public async Task TeamBudgetHoldsForCoordinatorAndMembersTogether()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "reader",
            "name: reader\nkind: llm\nmodel: cheap\ninstructions: You list files.\ntools: [list_files]\n");
        Team(s, "thrifty", "reader", "maxCostUsd: 0.001\n");
        kit.Fake.Enqueue(
            Reply.ToolCall("delegate", new { agent = "reader", task = "list everything" }).WithUsage(100, 10),
            Reply.ToolCall("list_files", new { pattern = "*" }).WithUsage(3000, 0),
            Reply.Text("never reached"));
        var r = s.Run($"Invoke-KubiyaExec -Team thrifty 'spend' -Local -ModelConfig '{kit.ModelsFile}'", TimeSpan.FromSeconds(120));
        var coordinatorCost = 100 * LlmTestKit.InputPrice + 10 * LlmTestKit.OutputPrice;
        var memberCost = 3000 * LlmTestKit.CheapInputPrice;
        Assert.True(coordinatorCost < 0.001 && memberCost < 0.001 && coordinatorCost + memberCost > 0.001, "each alone is within the budget, together they are not");
        Assert.Equal("Failed", r.Prop<string>("Status"));
        Assert.Equal("BudgetExceeded", r.Prop<string>("ErrorId"));
        Assert.Contains("coordinator and members", r.Prop<string>("Error"));
        Assert.Contains("budget of $0.001", r.Prop<string>("Error"));
        Assert.Equal(coordinatorCost + memberCost, r.Prop<double>("CostUsd"), 12);
        // The member got only what was left of the team's budget, so it stopped after its first turn.
        Assert.Equal(2, kit.Fake.ChatRequests.Count);
        Assert.Equal(1, kit.Fake.PendingReplies);
        var child = Assert.Single(Children(s, r.Prop<string>("Id")));
        Assert.Equal("Failed", child.Status);
        Assert.Equal("BudgetExceeded", s.Run($"(Get-KubiyaExecution -Id {child.Id}).ErrorId").Ok().Single().ToString());
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"));
    }

    [Fact]
    public void TeamYamlErrorsNameTheFileLineAndColumn()
    {
        using var s = fx.NewSession();
        var badMode = TestAgents.WriteProjectAgent(s.WorkingDirectory, "boss", "name: boss\nkind: team\nmode: boss\nagents: [a]\n");
        var noModel = TestAgents.WriteProjectAgent(s.WorkingDirectory, "nomodel", "name: nomodel\nkind: team\nmode: coordinator\nagents: [a]\n");
        var ghost = TestAgents.WriteProjectAgent(s.WorkingDirectory, "haunted", "name: haunted\nkind: team\nmode: coordinator\nmodel: fast\nagents:\n  - a\n  - ghost\n");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "a", "name: a\nsteps:\n  - shell: echo a\n");

        var mode = s.Run("Invoke-KubiyaExec -Team boss 'x' -Local");
        Assert.StartsWith("InvalidAgentDefinition,", Assert.Single(mode.Errors).FullyQualifiedErrorId);
        Assert.Contains($"{badMode}:3:7: mode: 'boss' is not one of sequential, coordinator", mode.ErrorText);

        var model = s.Run("Invoke-KubiyaExec -Team nomodel 'x' -Local");
        Assert.StartsWith("InvalidAgentDefinition,", Assert.Single(model.Errors).FullyQualifiedErrorId);
        Assert.Contains($"{noModel}:3:7: model: a coordinator team needs 'model:'", model.ErrorText);

        var member = s.Run("Invoke-KubiyaExec -Team haunted 'x' -Local");
        Assert.StartsWith("TeamMemberNotFound,", Assert.Single(member.Errors).FullyQualifiedErrorId);
        Assert.Contains($"{ghost}:7:5: agents[1]: team 'haunted' names 'ghost', which is not an agent here", member.ErrorText);
        Assert.Empty(member.Output);
    }

    [Fact]
    public async Task CancellingTheTeamCancelsTheRunningMember()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "slow",
            "name: slow\nsteps:\n  - name: nap\n    shell: echo started > started.txt; sleep 30; echo late > late.txt\n");
        Team(s, "crew3", "slow");
        kit.Fake.Enqueue(Reply.ToolCall("delegate", new { agent = "slow", task = "take a nap" }), Reply.Text("unreached"));
        var q = ModuleFixture.Unique("team-cancel");
        kit.StartWorker(q);
        var id = s.Run($"(Invoke-KubiyaExec -Team crew3 'nap' -Queue {q} -NoWait -WarningAction SilentlyContinue).Id").Ok().Single().ToString()!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(s.PathOf("started.txt")) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(File.Exists(s.PathOf("started.txt")), "the member's step started");
        var child = Assert.Single(Children(s, id));
        Assert.Equal("Running", child.Status);

        s.Run($"Stop-KubiyaExecution -Id {id} -Confirm:$false").Ok();
        var e = s.Run($"Wait-KubiyaExecution -Id {id} -Timeout 60", TimeSpan.FromSeconds(90));
        Assert.Equal("Cancelled", e.Prop<string>("Status"));
        Assert.Equal("Cancelled", s.Run($"(Get-KubiyaExecution -Id {child.Id}).Status").Ok().Single().ToString());
        await Task.Delay(2000);
        Assert.False(File.Exists(s.PathOf("late.txt")), "the member's step process was stopped");
        Assert.Single(kit.Fake.ChatRequests);
        await kit.AssertKeyAbsentAsync(id);
    }

    [Fact]
    public async Task ATeamWaitsOnItsMembersQuestionAndRunsAgainOnceTheTeamIsAnswered()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "asker",
            "name: asker\nsteps:\n  - name: ok?\n    approval: Deploy it?\n  - name: deploy\n    shell: while [ ! -f go.txt ]; do sleep 0.2; done; echo DEPLOYED\n");
        Team(s, "crew4", "asker");
        kit.Fake.Enqueue(Reply.ToolCall("delegate", new { agent = "asker", task = "deploy" }), Reply.Text("TEAM-DEPLOYED"));
        var q = ModuleFixture.Unique("team-ask");
        kit.StartWorker(q);
        var id = s.Run($"(Invoke-KubiyaExec -Team crew4 'deploy' -Queue {q} -NoWait -WarningAction SilentlyContinue).Id").Ok().Single().ToString()!;

        await kit.WaitForStatusAsync(id, "WaitingForInput");
        var child = Assert.Single(Children(s, id));
        Assert.Equal("WaitingForInput", child.Status);
        var team = s.Run($"Get-KubiyaExecution -Id {id}").Ok();
        Assert.Equal("asker asks: Deploy it?", team.Prop<string>("Question"));
        Assert.Equal(child.Id, team.Prop<string>("WaitingOn"));
        // Listed as waiting too (what the completer of Send-KubiyaExecutionInput and the web UI's filter read).
        Assert.Contains(id, s.Run($"Get-KubiyaExecution -Queue {q} -Status WaitingForInput | ForEach-Object Id").Ok().Output.Select(o => o.ToString()));

        // Answering the team answers its member; the team runs again while the member's next step works.
        s.Run($"Send-KubiyaExecutionInput -Id {id} -Answer yes").Ok();
        await kit.WaitForStatusAsync(id, "Running");
        Assert.Equal("True|True", s.Run($"$e = Get-KubiyaExecution -Id {id}; \"$($null -eq $e.Question)|$($null -eq $e.WaitingOn)\"").Ok().Single().ToString());
        Assert.Equal("Running", Assert.Single(Children(s, id)).Status);
        File.WriteAllText(s.PathOf("go.txt"), "go");
        var done = s.Run($"Wait-KubiyaExecution -Id {id} -Timeout 60", TimeSpan.FromSeconds(90));
        Assert.Equal("Completed", done.Prop<string>("Status"));
        Assert.Equal("TEAM-DEPLOYED", done.Prop<string>("Output"));
        Assert.Contains("DEPLOYED", kit.Fake.ChatRequests[1].Messages.Last(m => m.Role == "tool").Content);
        // The answer went to the member: its own log records it.
        var log = s.Run($"Get-KubiyaExecutionLog -Id {child.Id} | Where-Object Kind -eq Answer | ForEach-Object Text").Ok().Output.Select(o => o.ToString()).ToList();
        Assert.EndsWith("Deploy it? -> yes", Assert.Single(log));
    }

    [Fact]
    public async Task AMemberCancelledWhileItAsksLeavesNoQuestionOnTheTeam()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "asker2", "name: asker2\nsteps:\n  - name: ok?\n    approval: Go on?\n");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "waiter", "name: waiter\nsteps:\n  - name: wait\n    shell: while [ ! -f go.txt ]; do sleep 0.2; done; echo WAITED\n");
        Team(s, "crew5", "asker2, waiter");
        kit.Fake.Enqueue(
            Reply.ToolCall("delegate", new { agent = "asker2", task = "go" }),
            Reply.ToolCall("delegate", new { agent = "waiter", task = "wait" }),
            Reply.Text("TEAM-DONE"));
        var q = ModuleFixture.Unique("team-ask-cancel");
        kit.StartWorker(q);
        var id = s.Run($"(Invoke-KubiyaExec -Team crew5 'go' -Queue {q} -NoWait -WarningAction SilentlyContinue).Id").Ok().Single().ToString()!;
        await kit.WaitForStatusAsync(id, "WaitingForInput");
        var asker = Assert.Single(Children(s, id));
        // The member alone is cancelled: the coordinator reads that and delegates on, and the team no longer shows its question.
        s.Run($"Stop-KubiyaExecution -Id {asker.Id} -Confirm:$false").Ok();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Children(s, id).Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal(2, Children(s, id).Count);
        Assert.Contains("it was cancelled", kit.Fake.ChatRequests[1].Messages.Last(m => m.Role == "tool").Content);
        Assert.Equal("Running|True|True", s.Run($"$e = Get-KubiyaExecution -Id {id}; \"$($e.Status)|$($null -eq $e.Question)|$($null -eq $e.WaitingOn)\"").Ok().Single().ToString());
        File.WriteAllText(s.PathOf("go.txt"), "go");
        Assert.Equal("Completed", s.Run($"Wait-KubiyaExecution -Id {id} -Timeout 60", TimeSpan.FromSeconds(90)).Prop<string>("Status"));
    }

    [Fact]
    public void MembersOfAScheduledTeamRunAreListedUnderTheirAgentAsByHand()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        var member = ModuleFixture.Unique("scheduled-member");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, member, $"name: {member}\nsteps:\n  - name: say\n    shell: echo MEMBER-RAN\n");
        var team = ModuleFixture.Unique("scheduled-crew");
        Team(s, team, member);
        var q = ModuleFixture.Unique("team-sched");
        kit.StartWorker(q);
        // One run by hand and one by a schedule: the member's runs of both are listed under its agent.
        kit.Fake.Enqueue(
            Reply.ToolCall("delegate", new { agent = member, task = "by hand" }), Reply.Text("HAND-DONE"),
            Reply.ToolCall("delegate", new { agent = member, task = "by schedule" }), Reply.Text("SCHEDULE-DONE"));
        var byHand = s.Run($"(Invoke-KubiyaExec -Team {team} 'by hand' -Queue {q} -WarningAction SilentlyContinue).Id", TimeSpan.FromSeconds(120)).Ok().Single().ToString()!;
        var schedule = ModuleFixture.Unique("crew-nightly");
        s.Run($"New-KubiyaSchedule -Name {schedule} -Cron '0 0 1 1 *' -Team {team} -Prompt 'by schedule' -Queue {q} | Start-KubiyaSchedule").Ok();
        var scheduled = s.Run($"$deadline = [DateTime]::UtcNow.AddSeconds(90); do {{ [Threading.Thread]::Sleep(200); $x = @(Get-KubiyaExecution -Schedule {schedule} | Where-Object IsFinished) }} until ($x.Count -ge 1 -or [DateTime]::UtcNow -gt $deadline); $x", TimeSpan.FromSeconds(120)).Ok();
        Assert.Equal("Completed", scheduled.Prop<string>("Status"));
        Assert.Equal("SCHEDULE-DONE", scheduled.Prop<string>("Output"));
        var scheduledId = scheduled.Prop<string>("Id");

        var listed = s.Run($"Get-KubiyaExecution -Agent {member} | ForEach-Object {{ \"$($_.ParentExecutionId)|$($_.Agent)\" }}").Ok().Output.Select(o => o.ToString()).ToList();
        Assert.Contains($"{byHand}|{member}", listed);
        Assert.Contains($"{scheduledId}|{member}", listed);
        Assert.Equal(2, listed.Count);
        s.Run($"Remove-KubiyaSchedule -Name {schedule} -Confirm:$false").Ok();
    }

    /// <summary>One line of the children listing: id|agent|status|inputTokens|cost.</summary>
    private sealed record PSObjectView(string Line)
    {
        private string[] Parts => Line.Split('|');
        public string Id => Parts[0];
        public string Agent => Parts[1];
        public string Status => Parts[2];
    }
}

/// <summary>A worker killed with kill -9 while a member works: another worker finishes the team, and nothing finished runs again.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Agents")]
public sealed class CoordinatorTeamDurabilityTests(ModuleFixture fx)
{
    [Fact]
    public async Task SecondWorkerFinishesTheTeamAfterTheFirstIsKilledMidDelegation()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "worker-bee",
            "name: worker-bee\nkind: llm\nmodel: cheap\ninstructions: You run commands.\ntools: [shell]\n");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "hive",
            "name: hive\nkind: team\nmode: coordinator\nmodel: fast\nagents: [worker-bee]\n");
        kit.Fake.Enqueue(
            Reply.ToolCall("delegate", new { agent = "worker-bee", task = "run the long job" }).WithUsage(10, 1),
            Reply.ToolCall("shell", new { command = "echo attempt >> attempts.txt; sleep 8; echo finished" }).WithUsage(20, 2),
            Reply.Text("The job was interrupted; I did not rerun it.").WithUsage(30, 3),
            Reply.Text("Team finished after the crash.").WithUsage(40, 4));
        var q = ModuleFixture.Unique("team-crash");
        using var first = WorkerProcess.Start(q, $"-ModelConfig '{kit.ModelsFile}'");
        try
        {
            var id = s.Run($"(Invoke-KubiyaExec -Team hive 'survive a crash' -Queue {q} -Cwd . -NoWait -WarningAction SilentlyContinue).Id").Ok().Single().ToString()!;
            var marker = s.PathOf("attempts.txt");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(marker) && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.True(File.Exists(marker), "the member started its long tool call:\n" + first.OutputText);
            Assert.Equal(2, kit.Fake.ChatRequests.Count);

            await first.KillAsync();

            s.Run($"$null = Start-KubiyaWorker -QueueId {q} -ModelConfig '{kit.ModelsFile}'").Ok();
            var e = s.Run($"Wait-KubiyaExecution -Id {id} -Timeout 90", TimeSpan.FromSeconds(120)).Ok();
            Assert.Equal("Completed", e.Prop<string>("Status"));
            Assert.Equal("Team finished after the crash.", e.Prop<string>("Output"));
            // One request per turn across both workers: no finished model call of the team or the member ran twice.
            Assert.Equal(new[] { "gpt-4o-mini", "gpt-cheap", "gpt-cheap", "gpt-4o-mini" }, kit.Fake.ChatRequests.Select(r => r.Model));
            Assert.Single(File.ReadAllLines(marker));
            Assert.Contains("not run again", kit.Fake.ChatRequests[2].Messages.Last(m => m.Role == "tool").Content);
            // The member started once, as one child execution.
            var children = s.Run($"Get-KubiyaExecution -Queue {q} | Where-Object ParentExecutionId -eq '{id}' | ForEach-Object Status").Ok().Output;
            Assert.Equal("Completed", Assert.Single(children).ToString());
            Assert.Equal(100L, e.Prop<long>("InputTokens"));
            await kit.AssertKeyAbsentAsync(id);
        }
        finally
        {
            await first.KillAsync();
        }
    }
}
