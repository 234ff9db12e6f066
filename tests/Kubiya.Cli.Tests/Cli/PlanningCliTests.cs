using System.Text.Json;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Cli;

/// <summary>kubiya exec "PROMPT" plans; kubiya plan; --plan-file, --save-plan; exit 4 when nobody can approve.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Planning")]
public sealed class PlanningCliTests(CliFixture fx)
{
    private const string Prompt = "back up the wombat postgres database";

    /// <summary>A project folder whose backup agent writes a marker file when it runs.</summary>
    private static string Project(string marker = "echo dumped > marker.txt")
    {
        var dir = Directory.CreateTempSubdirectory("kubiya-cli-plan-").FullName;
        var agents = Path.Combine(dir, ".kubiya", "agents");
        Directory.CreateDirectory(agents);
        File.WriteAllText(Path.Combine(agents, "wombat-backup.yaml"), $"""
            name: wombat-backup
            description: Takes a dump of the wombat PostgreSQL database and keeps it in the backup folder.
            tags: [database, backup, wombat]
            steps:
              - name: dump
                shell: {marker}
            """.Replace("\r\n", "\n"));
        return dir;
    }

    private Task<CliResult> Run(string cwd, params string[] args) => fx.Env.RunAsync(args, null, workingDirectory: cwd);

    [Fact]
    public async Task NonInteractiveWithoutYesPrintsThePlanAndExitsFour()
    {
        var dir = Project();
        var r = (await Run(dir, "exec", Prompt, "--local")).Exit(4);
        Assert.Contains("Agent     wombat-backup (runbook), selected by ranker", r.Stdout);
        Assert.Matches(@"Plan      plan-[0-9a-f]{12}", r.Stdout);
        Assert.Contains("needs approval", r.Stderr);
        Assert.Contains("[PlanApprovalRequired]", r.Stderr);
        Assert.Contains("--yes", r.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "marker.txt")), "nothing may run without approval");
        Assert.Single(r.Stderr.Trim().Split('\n'), l => l.StartsWith("kubiya: error:"));
    }

    [Fact]
    public async Task YesApprovesRunsAndRecordsThePlan()
    {
        var dir = Project();
        var json = (await Run(dir, "exec", Prompt, "--local", "--yes", "-o", "json")).Exit(0).Json;
        Assert.Equal("Completed", json.GetProperty("status").GetString());
        Assert.Equal("wombat-backup", json.GetProperty("agent").GetString());
        var planId = json.GetProperty("planId").GetString()!;
        Assert.True(File.Exists(Path.Combine(dir, "marker.txt")));
        using var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(fx.Home, "plans", planId + ".json")));
        Assert.True(saved.RootElement.GetProperty("approved").GetBoolean());
        Assert.Equal(json.GetProperty("id").GetString(), saved.RootElement.GetProperty("executionId").GetString());
        Assert.Equal(JsonValueKind.String, saved.RootElement.GetProperty("executedAt").ValueKind);
    }

    [Fact]
    public async Task PlanCommandWritesTheFileFormatAndPlanFileRunsIt()
    {
        var dir = Project();
        var save = Path.Combine(dir, "reviewed.json");
        var r = (await Run(dir, "plan", Prompt, "--local", "--save-plan", save, "-o", "json")).Exit(0);
        var plan = r.Json;
        Assert.Equal(1, plan.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("wombat-backup", plan.GetProperty("recommended").GetProperty("name").GetString());
        Assert.StartsWith("sha256:", plan.GetProperty("recommended").GetProperty("definitionHash").GetString());
        Assert.Equal(r.Stdout.Trim(), File.ReadAllText(save).Trim());
        Assert.False(File.Exists(Path.Combine(dir, "marker.txt")), "kubiya plan runs nothing");
        var yaml = (await Run(dir, "plan", Prompt, "--local", "-o", "yaml")).Exit(0);
        Assert.Contains("planId: plan-", yaml.Stdout);

        // A plan file from elsewhere needs approval: exit 4 without --yes, runs with it.
        (await Run(dir, "exec", "--plan-file", "reviewed.json")).Exit(4);
        var run = (await Run(dir, "exec", "--plan-file", "reviewed.json", "--yes", "-o", "json")).Exit(0).Json;
        Assert.Equal(plan.GetProperty("planId").GetString(), run.GetProperty("planId").GetString());
        Assert.True(File.Exists(Path.Combine(dir, "marker.txt")));
        var list = (await Run(dir, "plan", "list")).Exit(0);
        Assert.Contains(plan.GetProperty("planId").GetString()!, list.Stdout);
    }

    [Fact]
    public async Task AChangedAgentAndPlanFileErrorsAreClearOneLiners()
    {
        var dir = Project();
        var planId = (await Run(dir, "plan", Prompt, "--local", "-o", "json")).Exit(0).Json.GetProperty("planId").GetString()!;
        File.WriteAllText(Path.Combine(dir, ".kubiya", "agents", "wombat-backup.yaml"),
            File.ReadAllText(Path.Combine(dir, ".kubiya", "agents", "wombat-backup.yaml")).Replace("dumped", "changed"));
        var changed = (await Run(dir, "exec", "--plan-file", planId)).Exit(4);
        Assert.Contains("[PlanAgentChanged]", changed.Stderr);
        Assert.Contains("'wombat-backup' changed since the plan was made", changed.Stderr);

        File.WriteAllText(Path.Combine(dir, "bad.json"), "not json");
        Assert.Contains("[PlanInvalidJson]", (await Run(dir, "exec", "--plan-file", "bad.json", "--yes")).Exit(1).Stderr);
        Assert.Contains("[PlanNotFound]", (await Run(dir, "exec", "--plan-file", "./nope.json", "--yes")).Exit(1).Stderr);
        File.Delete(Path.Combine(dir, ".kubiya", "agents", "wombat-backup.yaml"));
        var gone = (await Run(dir, "exec", "--plan-file", planId, "--yes")).Exit(1);
        Assert.Contains("[AgentNotFound]", gone.Stderr);
        Assert.DoesNotContain("Exception", gone.Stderr);
    }

    [Fact]
    public async Task NoAgentMatchedListsTheClosestAgents()
    {
        var dir = Project();
        var r = (await Run(dir, "exec", "order pizza for the team lunch", "--local", "--yes")).Exit(1);
        Assert.Contains("No agent fits \"order pizza for the team lunch\"", r.Stderr);
        Assert.Contains("[NoAgentMatched]", r.Stderr);
        Assert.Equal("", r.Stdout.Trim());
    }
}
