using System.Text.Json;
using Kubiya.Core.Errors;
using Kubiya.Core.Planning;

namespace Kubiya.Core.Tests.Planning;

/// <summary>The plan file format: round trip, schema, versions, the store, and checks before a run.</summary>
[Trait("Category", "Planning")]
public sealed class PlanFileTests : IDisposable
{
    private readonly PlanningKit kit = new PlanningKit().StandardAgents();

    public void Dispose() => kit.Dispose();

    private Task<KubiyaPlan> PlanAsync(string prompt = "back up the database") =>
        kit.Planner().PlanAsync(new PlanningRequest { Prompt = prompt }, null, default);

    [Fact]
    public async Task JsonRoundTripKeepsEveryField()
    {
        var plan = await PlanAsync();
        plan.Approved = true;
        plan.ApprovedAt = DateTimeOffset.Parse("2026-01-02T03:04:05+00:00");
        plan.ExecutionId = "exec-1234";
        var json = PlanJson.Write(plan);
        Assert.StartsWith("{\n  \"schemaVersion\": 1,", json.Replace("\r\n", "\n"));
        Assert.Contains("\"definitionHash\": \"sha256:", json);
        Assert.DoesNotContain("\"origin\"", json);
        var back = PlanJson.Read(json, "test");
        Assert.Equal(json, PlanJson.Write(back));
        Assert.Equal(plan.PlanId, back.PlanId);
        Assert.Equal("db-backup", back.Recommended.Name);
        Assert.Equal(plan.Steps.Count, back.Steps.Count);
        Assert.Equal("exec-1234", back.ExecutionId);
        Assert.Equal("test", back.Origin);
    }

    [Fact]
    public async Task WrittenPlansFollowTheSchemaInTheRepository()
    {
        var repoSchema = File.ReadAllText(Path.Combine(RepoRoot(), "schemas", "kubiya-plan.schema.json"));
        Assert.Equal(repoSchema, PlanSchema.Text);
        using var doc = JsonDocument.Parse(PlanJson.Write(await PlanAsync("deploy to production")));
        Assert.Empty(PlanSchema.ValidatePlan(doc.RootElement));
    }

    [Theory]
    [InlineData("2", "schemaVersion 2")]
    [InlineData("0", "schemaVersion 0")]
    [InlineData("\"1\"", "schemaVersion \"1\"")]
    public async Task UnknownSchemaVersionsAreRefused(string version, string shown)
    {
        var json = PlanJson.Write(await PlanAsync()).Replace("\"schemaVersion\": 1", "\"schemaVersion\": " + version);
        var ex = Assert.Throws<KubiyaException>(() => PlanJson.Read(json, "plan.json"));
        Assert.Equal(PlanErrors.PlanSchemaVersionUnsupported, ex.ErrorId);
        Assert.Contains(shown, ex.Message);
        Assert.Contains("reads schemaVersion 1", ex.Message);
    }

    [Fact]
    public async Task InvalidJsonAndSchemaViolationsHaveTheirOwnErrors()
    {
        var bad = Assert.Throws<KubiyaException>(() => PlanJson.Read("{ \"schemaVersion\": 1, ", "broken.json"));
        Assert.Equal(PlanErrors.PlanInvalidJson, bad.ErrorId);
        Assert.Contains("broken.json is not valid JSON", bad.Message);

        var plan = await PlanAsync();
        var wrongId = PlanJson.Write(plan).Replace(plan.PlanId, "nope");
        var wrong = Assert.Throws<KubiyaException>(() => PlanJson.Read(wrongId, "wrong.json"));
        Assert.Equal(PlanErrors.PlanInvalid, wrong.ErrorId);
        Assert.Contains("$.planId: 'nope' does not match", wrong.Message);
        var wrongKind = PlanJson.Write(plan).Replace("\"kind\": \"shell\"", "\"kind\": \"python\"");
        Assert.Contains("$.steps[0].kind: must be one of", Assert.Throws<KubiyaException>(() => PlanJson.Read(wrongKind, "k.json")).Message);
        var partial = Assert.Throws<KubiyaException>(() => PlanJson.Read("{ \"schemaVersion\": 1, \"planId\": \"plan-0123456789ab\" }", "partial.json"));
        Assert.Equal(PlanErrors.PlanInvalid, partial.ErrorId);
        Assert.Contains("$: 'prompt' is required", partial.Message);

        var noVersion = Assert.Throws<KubiyaException>(() => PlanJson.Read("{ \"planId\": \"plan-0123456789ab\" }", "old.json"));
        Assert.Equal(PlanErrors.PlanInvalid, noVersion.ErrorId);
        Assert.Contains("no 'schemaVersion'", noVersion.Message);
    }

    [Fact]
    public async Task AnExtraPathInAMissingFolderSaysWhereThePlanIsSavedAnyway()
    {
        var store = new PlanStore(kit.Paths);
        var plan = await PlanAsync();
        var ex = Assert.Throws<KubiyaException>(() => store.Save(plan, Path.Combine(kit.Root, "no-such-folder", "renew.json")));
        Assert.Equal("SavePlanFolderNotFound", ex.ErrorId);
        Assert.Contains($"The plan is saved as {plan.PlanId} in {store.Directory}", ex.Message);
        Assert.True(File.Exists(store.PathOf(plan.PlanId)));
    }

    [Fact]
    public async Task StoreSavesListsAndReadsPlans()
    {
        var store = new PlanStore(kit.Paths);
        Assert.Empty(store.List());
        var first = await PlanAsync();
        first.CreatedAt = DateTimeOffset.Now.AddMinutes(-5);
        var second = await PlanAsync("renew the tls certificate");
        var extra = Path.Combine(kit.Root, "mine.json");
        var path = store.Save(first);
        store.Save(second, extra);
        Assert.Equal(Path.Combine(kit.Paths.Home, "plans", first.PlanId + ".json"), path);
        Assert.Equal(File.ReadAllText(store.PathOf(second.PlanId)), File.ReadAllText(extra));
        File.WriteAllText(Path.Combine(store.Directory, "plan-ffffffffffff.json"), "not json");
        var errors = new List<KubiyaException>();
        var listed = store.List(errors.Add);
        Assert.Equal(new[] { second.PlanId, first.PlanId }, listed.Select(p => p.PlanId));
        Assert.Equal(PlanErrors.PlanInvalidJson, Assert.Single(errors).ErrorId);
        Assert.Equal("cert-renewal", store.Get(second.PlanId).Recommended.Name);
        Assert.Equal(PlanErrors.PlanNotFound, Assert.Throws<KubiyaException>(() => store.Get("plan-000000000000")).ErrorId);
    }

    [Fact]
    public async Task MissingAgentIsAgentNotFound()
    {
        var plan = await PlanAsync();
        File.Delete(Path.Combine(kit.AgentsDirectory, "db-backup.yaml"));
        var ex = Assert.Throws<KubiyaException>(() => PlanCheck.Of(plan, kit.Catalog()));
        Assert.Equal(PlanErrors.AgentNotFound, ex.ErrorId);
        Assert.Contains("'db-backup', which no longer exists", ex.Message);
    }

    [Fact]
    public async Task ChangedAgentNeedsApprovalAgainAndApprovalTakesTheNewHash()
    {
        var plan = await PlanAsync();
        var check = PlanCheck.Of(plan, kit.Catalog());
        Assert.False(check.AgentChanged);
        PlanRecorder.Approve(plan, check);
        Assert.False(PlanCheck.Of(plan, kit.Catalog()).NeedsApproval);

        // Moving the file (same definition) is no change; editing a step is.
        File.Move(Path.Combine(kit.AgentsDirectory, "db-backup.yaml"), Path.Combine(kit.AgentsDirectory, "backup.yaml"));
        Assert.False(PlanCheck.Of(plan, kit.Catalog()).AgentChanged);
        File.WriteAllText(Path.Combine(kit.AgentsDirectory, "backup.yaml"), File.ReadAllText(Path.Combine(kit.AgentsDirectory, "backup.yaml")).Replace("aws s3 cp", "rclone copy"));
        var changed = PlanCheck.Of(plan, kit.Catalog());
        Assert.True(changed.AgentChanged);
        Assert.True(changed.NeedsApproval);
        Assert.Contains(changed.Reasons, r => r.Contains("'db-backup' changed since the plan was made"));
        var refused = changed.ApprovalRequired(plan);
        Assert.Equal(PlanErrors.PlanAgentChanged, refused.ErrorId);
        Assert.Contains("-Yes", refused.Message);

        PlanRecorder.Approve(plan, changed);
        Assert.False(PlanCheck.Of(plan, kit.Catalog()).NeedsApproval);
    }

    [Fact]
    public async Task PlansFromElsewhereNeedApprovalAndRunExactlyTheNamedAgent()
    {
        var plan = await PlanAsync();
        PlanRecorder.Approve(plan, PlanCheck.Of(plan, kit.Catalog()));
        var file = Path.Combine(kit.Root, "shared-plan.json");
        File.WriteAllText(file, PlanJson.Write(plan));
        var loaded = await new PlanLoader(new PlanStore(kit.Paths), new PlanSourceOptions()).LoadAsync("shared-plan.json", kit.Root, default);
        Assert.Equal(file, loaded.Origin);
        var check = PlanCheck.Of(loaded, kit.Catalog());
        Assert.True(check.NeedsApproval);
        Assert.Contains(check.Reasons, r => r.Contains("comes from " + file));
        Assert.Equal(PlanErrors.PlanApprovalRequired, check.ApprovalRequired(loaded).ErrorId);

        var request = PlanRecorder.ToRequest(loaded, new Kubiya.Core.Executions.ExecutionRequest { Priority = Kubiya.Core.Executions.ExecutionPriority.High });
        Assert.Equal("db-backup", request.Agent);
        Assert.Null(request.Team);
        Assert.Equal(loaded.PlanId, request.PlanId);
        Assert.Equal(loaded.Prompt, request.Prompt);
        Assert.True(request.Local);
        Assert.Equal(Kubiya.Core.Executions.ExecutionPriority.High, request.Priority);
    }

    internal static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir != null && !File.Exists(Path.Combine(dir, "Kubiya.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("repository root not found");
    }
}
