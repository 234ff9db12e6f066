using Kubiya.Core.Agents;
using Kubiya.Core.Errors;
using Kubiya.Core.Planning;

namespace Kubiya.Core.Tests.Planning;

/// <summary>The offline ranker: picks, explains, never the built-ins, close candidates, nothing fits.</summary>
[Trait("Category", "Planning")]
public sealed class RankerTests : IDisposable
{
    private readonly PlanningKit kit = new PlanningKit().StandardAgents();

    public void Dispose() => kit.Dispose();

    [Theory]
    [InlineData("back up the postgres db before the upgrade", "db-backup")]
    [InlineData("our ssl certificate expires next week", "cert-renewal")]
    [InlineData("ship the new version to prod", "deploy-web")]
    [InlineData("why is the app throwing exceptions?", "log-triage")]
    public async Task PicksTheAgentAPersonWouldPick(string prompt, string expected)
    {
        var plan = await kit.Planner().PlanAsync(new PlanningRequest { Prompt = prompt }, null, default);
        Assert.Equal(expected, plan.Recommended.Name);
        Assert.Equal("ranker", plan.SelectedBy);
    }

    [Fact]
    public async Task ExplainsItsTopThreeWithScores()
    {
        var plan = await kit.Planner().PlanAsync(new PlanningRequest { Prompt = "dump the production database to the backup bucket" }, null, default);
        Assert.Equal("db-backup", plan.Recommended.Name);
        Assert.Matches(@"score \d+\.\d\d: .*'backup' in [a-z, ]*tags", plan.Recommended.Reasoning);
        Assert.NotNull(plan.Recommended.Score);
        Assert.Equal("deploy-web", Assert.Single(plan.Alternatives).Name); // 'production' in its tags; nothing else matched

        var mixed = await kit.Planner().PlanAsync(new PlanningRequest { Prompt = "backup the database, then check the error logs and deploy to production" }, null, default);
        Assert.Equal(2, mixed.Alternatives.Count);
        Assert.All(mixed.Alternatives, a => Assert.Matches(@"^score \d+\.\d\d: '", a.Reasoning));
        Assert.True(mixed.Recommended.Score >= mixed.Alternatives[0].Score);
        Assert.True(mixed.Alternatives[0].Score >= mixed.Alternatives[1].Score);
        Assert.Equal(3, new[] { mixed.Recommended.Name }.Concat(mixed.Alternatives.Select(a => a.Name)).Intersect(new[] { "db-backup", "log-triage", "deploy-web" }).Count());
    }

    [Fact]
    public void StemsAndSynonymsMatchDifferentWording()
    {
        var ranked = new OfflineRanker(CandidateBuilder.FromCatalog(kit.Catalog())).Rank("snapshot the mysql DBs");
        Assert.Equal("db-backup", ranked[0].Candidate.Name);
        Assert.Contains(ranked[0].Matches, m => m.Word == "mysql (as database)");
        Assert.Contains(ranked[0].Matches, m => m.Word == "snapshot (as backup)");
        // Explanations show the prompt's words, not stems.
        Assert.Contains("'mysql (as database)' in ", ranked[0].Explanation);
        Assert.Equal(LightStemmer.Stem("rotation"), LightStemmer.Stem("rotating"));
        Assert.Equal(LightStemmer.Stem("deployments"), LightStemmer.Stem("deploy"));
    }

    [Fact]
    public async Task NeverPicksTheBuiltInShellOrPowerShell()
    {
        var catalog = kit.Catalog();
        Assert.Contains(catalog.Agents, a => a.Name == AgentCatalog.ShellAgent);
        Assert.DoesNotContain(CandidateBuilder.FromCatalog(catalog), c => c.Kind == AgentKind.BuiltIn || c.Name is "shell" or "powershell");
        // The prompt reads exactly like the built-ins' descriptions; planning still refuses them.
        var ex = await Assert.ThrowsAsync<KubiyaException>(() =>
            kit.Planner().PlanAsync(new PlanningRequest { Prompt = "run the prompt as a PowerShell script or shell command (bash or sh)" }, null, default));
        Assert.Equal(PlanErrors.NoAgentMatched, ex.ErrorId);
        Assert.DoesNotContain("'shell'", ex.Message);
    }

    [Fact]
    public async Task OnlyBuiltInsMeansNoAgentMatched()
    {
        using var empty = new PlanningKit();
        var ex = await Assert.ThrowsAsync<KubiyaException>(() => empty.Planner().PlanAsync(new PlanningRequest { Prompt = "ls -la" }, null, default));
        Assert.Equal(PlanErrors.NoAgentMatched, ex.ErrorId);
        Assert.Equal(KubiyaErrorKind.NotFound, ex.Kind);
        Assert.Contains("never picks", ex.Message);
    }

    [Fact]
    public async Task NothingFitsListsTheClosestAgents()
    {
        var ex = await Assert.ThrowsAsync<KubiyaException>(() =>
            kit.Planner().PlanAsync(new PlanningRequest { Prompt = "order pizza for the team lunch" }, null, default));
        Assert.Equal(PlanErrors.NoAgentMatched, ex.ErrorId);
        Assert.Contains("No agent fits \"order pizza for the team lunch\"", ex.Message);
        Assert.Contains("Known agents: cert-renewal, db-backup, deploy-web, log-triage", ex.Message);
        Assert.Contains("-Agent", ex.Message);

        // A weak match names the closest agents with their scores.
        var weak = await Assert.ThrowsAsync<KubiyaException>(() =>
            kit.Planner().PlanAsync(new PlanningRequest { Prompt = "upload the photos from the team offsite to the shared drive" }, null, default));
        Assert.Matches(@"Closest: db-backup \(0\.\d\d, ", weak.Message);
    }

    [Fact]
    public async Task CloseCandidatesAreFlagged()
    {
        kit.Agent("db-backup-nightly", """
            name: db-backup-nightly
            description: Takes a compressed dump of the PostgreSQL database and uploads it to the archive bucket.
            tags: [database, backup]
            steps:
              - name: dump
                shell: pg_dump --format=custom --file=/tmp/nightly.dump "$DATABASE_URL"
            """);
        var plan = await kit.Planner().PlanAsync(new PlanningRequest { Prompt = "backup the database" }, null, default);
        Assert.True(plan.CloseCandidates);
        Assert.StartsWith("db-backup", plan.Alternatives[0].Name);
        Assert.StartsWith("db-backup", plan.Recommended.Name);

        var clear = await kit.Planner().PlanAsync(new PlanningRequest { Prompt = "renew the tls certificate" }, null, default);
        Assert.False(clear.CloseCandidates);
    }

    [Fact]
    public async Task ASmallCatalogueStillPlans()
    {
        using var one = new PlanningKit();
        one.Agent("nightly-backup", """
            name: nightly-backup
            description: Dumps the orders database to the backup share.
            steps:
              - shell: pg_dump orders > /backups/orders.sql
            """);
        var plan = await one.Planner().PlanAsync(new PlanningRequest { Prompt = "back up the orders database" }, null, default);
        Assert.Equal("nightly-backup", plan.Recommended.Name);
        Assert.Empty(plan.Alternatives);
        Assert.False(plan.CloseCandidates);
        var ex = await Assert.ThrowsAsync<KubiyaException>(() => one.Planner().PlanAsync(new PlanningRequest { Prompt = "order pizza for the team lunch" }, null, default));
        Assert.Equal(PlanErrors.NoAgentMatched, ex.ErrorId);
    }

    [Fact]
    public async Task RankingIsDeterministic()
    {
        var a = kit.Planner().Ranker.Rank("deploy the web app and check the logs");
        var b = kit.Planner().Ranker.Rank("deploy the web app and check the logs");
        Assert.Equal(a.Select(r => (r.Candidate.Name, r.Score)), b.Select(r => (r.Candidate.Name, r.Score)));
        var plan = await kit.Planner().PlanAsync(new PlanningRequest { Prompt = "deploy the web app" }, null, default);
        var chosen = await kit.Planner().ChooseAsync(plan, "log-triage", new PlanningRequest(), default);
        Assert.Equal(plan.PlanId, chosen.PlanId);
        Assert.Equal("log-triage", chosen.Recommended.Name);
        Assert.Equal("user", chosen.SelectedBy);
    }
}
