using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Executions;
using Kubiya.Core.Planning;

namespace Kubiya.Core.Tests.Planning;

/// <summary>Estimates come from history and prices, never invented; risks are read from the steps.</summary>
[Trait("Category", "Planning")]
public sealed class EstimateAndRiskTests : IDisposable
{
    private readonly PlanningKit kit = new PlanningKit().StandardAgents();

    public void Dispose() => kit.Dispose();

    [Fact]
    public async Task NoHistoryMeansNoDurationNumbers()
    {
        var plan = await kit.Planner().PlanAsync(new PlanningRequest { Prompt = "renew the certificates" }, null, default);
        Assert.Null(plan.Estimate.DurationP50Seconds);
        Assert.Null(plan.Estimate.DurationP90Seconds);
        Assert.Equal(0, plan.Estimate.HistorySamples);
        Assert.Contains("no history yet for 'cert-renewal'", plan.Estimate.Basis);
        Assert.Null(plan.Estimate.CostUsd); // a runbook has no model cost
    }

    [Fact]
    public async Task DurationsArePercentilesOfCompletedRuns()
    {
        var env = new GivenEnvironment();
        // Ten completed runs of 10..100 s, plus a failed and a running one that must not count.
        for (var i = 1; i <= 10; i++)
            env.History.Add(new ExecutionInfo { Id = "e" + i, Agent = "cert-renewal", Status = ExecutionStatus.Completed, Duration = i * 10 });
        env.History.Add(new ExecutionInfo { Id = "f", Agent = "cert-renewal", Status = ExecutionStatus.Failed, Duration = 5 * 3600 });
        env.History.Add(new ExecutionInfo { Id = "r", Agent = "cert-renewal", Status = ExecutionStatus.Running, Duration = 5 * 3600 });
        env.History.Add(new ExecutionInfo { Id = "o", Agent = "db-backup", Status = ExecutionStatus.Completed, Duration = 9 * 3600 });
        var plan = await kit.Planner(env).PlanAsync(new PlanningRequest { Prompt = "renew the certificates" }, null, default);
        Assert.Equal(50, plan.Estimate.DurationP50Seconds);
        Assert.Equal(90, plan.Estimate.DurationP90Seconds);
        Assert.Equal(10, plan.Estimate.HistorySamples);
        Assert.Contains("10 completed run(s)", plan.Estimate.Basis);
    }

    [Fact]
    public void LlmAgentTokensAndCostComeFromPromptTurnsAndPrice()
    {
        var candidate = new PlanningCandidate { Name = "helper", Kind = "llm" };
        var facts = new LlmAgentFacts { Model = "gpt-test", Tools = { "read_file", "shell" }, Instructions = new string('x', 400) };
        var prompt = new string('p', 200);
        var price = new ModelPrice { InputPerToken = 1e-6, OutputPerToken = 4e-6 };
        var e = PlanEstimator.Estimate(candidate, Array.Empty<ExecutionInfo>(), prompt, facts, "gpt-test", m => m == "gpt-test" ? price : null);
        // First turn: 100 (instructions) + 50 (prompt) + 2 tools * 60 = 270; four turns growing by 400 each.
        Assert.Equal(PlanEstimator.DefaultTurns, e.Turns);
        Assert.Equal(4 * 270 + 400 * (0 + 1 + 2 + 3), e.InputTokens);
        Assert.Equal(4 * PlanEstimator.OutputTokensPerTurn, e.OutputTokens);
        Assert.Equal(Math.Round(price.Cost(e.InputTokens!.Value, e.OutputTokens!.Value), 4), e.CostUsd);
        Assert.Contains("assumed", e.Basis);

        var unknown = PlanEstimator.Estimate(candidate, Array.Empty<ExecutionInfo>(), prompt, facts, "other", m => m == "gpt-test" ? price : null);
        Assert.Null(unknown.CostUsd);
        Assert.NotNull(unknown.InputTokens);
        Assert.Contains("no known price for 'other'", unknown.Basis);
    }

    [Fact]
    public async Task LlmAgentsPlanTheirModelToolsAndTokenEstimate()
    {
        kit.Agent("code-fixer", """
            name: code-fixer
            kind: llm
            description: Reads failing test output and edits the code until the tests pass.
            tags: [code, tests]
            model: gpt-test
            instructions: You fix failing unit tests by editing the source files.
            tools: [read_file, write_file, shell]
            maxCostUsd: 0.5
            """);
        var env = new GivenEnvironment();
        env.History.Add(new ExecutionInfo { Id = "a", Agent = "code-fixer", Status = ExecutionStatus.Completed, Duration = 30, Turns = 6 });
        env.History.Add(new ExecutionInfo { Id = "b", Agent = "code-fixer", Status = ExecutionStatus.Completed, Duration = 40, Turns = 8 });
        var plan = await kit.Planner(env).PlanAsync(new PlanningRequest { Prompt = "the unit tests fail, fix the code" }, null, default);
        Assert.Equal("code-fixer", plan.Recommended.Name);
        Assert.Equal("llm", plan.Recommended.Kind);
        var step = Assert.Single(plan.Steps);
        Assert.Equal("model", step.Kind);
        Assert.Contains("gpt-test", step.Detail);
        Assert.Contains(plan.Risks, r => r.Kind == "tool" && r.Description.Contains("'write_file'") && r.Description.Contains("writes files"));
        Assert.Contains(plan.Risks, r => r.Kind == "tool" && r.Description.Contains("'shell'"));
        Assert.DoesNotContain(plan.Risks, r => r.Description.Contains("'read_file'"));
        Assert.Equal(6, plan.Estimate.Turns); // median of the past runs' turns (nearest rank)
        Assert.True(plan.Estimate.InputTokens > 0);
        Assert.Equal("gpt-test", plan.Estimate.Model);
        Assert.Null(plan.Estimate.CostUsd); // no gateway, no price: no number
        Assert.Contains("no known price for 'gpt-test'", plan.Estimate.Basis);
        Assert.Contains("budget 0.5 USD", plan.Estimate.Basis);
    }

    [Fact]
    public async Task RisksNameFileWritesShellCommandsAndApprovals()
    {
        var plan = await kit.Planner().PlanAsync(new PlanningRequest { Prompt = "deploy to production" }, null, default);
        Assert.Equal("deploy-web", plan.Recommended.Name);
        Assert.Contains(plan.Risks, r => r.Kind == "writes-files" && r.Step == "build");
        Assert.Contains(plan.Risks, r => r.Kind == "approval" && r.Step == "approve" && r.Description.Contains("Deploy to production?"));
        Assert.Contains(plan.Risks, r => r.Kind == "shell-command" && r.Step == "rollout");
        Assert.DoesNotContain(plan.Risks, r => r.Kind == "writes-files" && r.Step == "rollout");
        Assert.Equal(new[] { "build", "approve", "rollout" }, plan.Steps.Select(s => s.Name));
    }

    [Fact]
    public async Task TeamsPlanTheirMembersStepsAndHashTheMembers()
    {
        kit.Agent("release", """
            name: release
            kind: team
            description: Full release of the web app.
            tags: [release]
            agents: [db-backup, deploy-web]
            """);
        var plan = await kit.Planner().PlanAsync(new PlanningRequest { Prompt = "full release: backup then deploy" }, null, default);
        Assert.Equal("release", plan.Recommended.Name);
        Assert.True(plan.Recommended.IsTeam);
        Assert.Equal("release", plan.Team);
        Assert.Equal("db-backup/dump", plan.Steps[0].Name);
        Assert.Contains(plan.Steps, s => s.Name == "deploy-web/approve");
        var before = plan.Recommended.DefinitionHash;
        // Editing a member changes the team's hash.
        File.WriteAllText(Path.Combine(kit.AgentsDirectory, "db-backup.yaml"), File.ReadAllText(Path.Combine(kit.AgentsDirectory, "db-backup.yaml")).Replace("s3://backups/", "s3://other/"));
        Assert.True(PlanCheck.Of(plan, kit.Catalog()).AgentChanged);
        Assert.NotEqual(before, PlanCheck.Of(plan, kit.Catalog()).CurrentHash);
    }
}
