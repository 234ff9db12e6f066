using System.Text;
using Kubiya.Core.Errors;
using Kubiya.Core.Planning;

namespace Kubiya.Core.Tests.Planning;

/// <summary>Plan sources: a path, a plan id, an https URL (loopback http here), and GitHub's contents API (a loopback stand-in).</summary>
[Trait("Category", "Planning")]
public sealed class PlanSourceTests : IDisposable
{
    private readonly PlanningKit kit = new PlanningKit().StandardAgents();

    public void Dispose() => kit.Dispose();

    private async Task<(KubiyaPlan Plan, string Json)> SamplePlanAsync()
    {
        var plan = await kit.Planner().PlanAsync(new PlanningRequest { Prompt = "renew the tls certificates" }, null, default);
        return (plan, PlanJson.Write(plan));
    }

    private PlanLoader Loader(string? apiBase = null, string? token = null) =>
        new(new PlanStore(kit.Paths), new PlanSourceOptions { GitHubApiBase = apiBase ?? "https://api.github.com", GitHubToken = token, Timeout = TimeSpan.FromSeconds(10) });

    [Fact]
    public async Task LoadsFromAPathAndFromThePlanStore()
    {
        var (plan, json) = await SamplePlanAsync();
        var path = Path.Combine(kit.Root, "p.json");
        File.WriteAllText(path, json);
        var fromFile = await Loader().LoadAsync(path, kit.Work, default);
        Assert.Equal(plan.PlanId, fromFile.PlanId);
        Assert.Equal(path, fromFile.Origin);

        new PlanStore(kit.Paths).Save(plan);
        var fromStore = await Loader().LoadAsync(plan.PlanId, kit.Work, default);
        Assert.Null(fromStore.Origin); // a saved plan is not "from elsewhere"

        var missing = await Assert.ThrowsAsync<KubiyaException>(() => Loader().LoadAsync("./nope.json", kit.Work, default));
        Assert.Equal(PlanErrors.PlanNotFound, missing.ErrorId);
        Assert.Contains("nope.json' does not exist", missing.Message);
        var missingId = await Assert.ThrowsAsync<KubiyaException>(() => Loader().LoadAsync("plan-00000000abcd", kit.Work, default));
        Assert.Equal(PlanErrors.PlanNotFound, missingId.ErrorId);
    }

    [Fact]
    public async Task LoadsFromAUrlOverRealHttp()
    {
        var (plan, json) = await SamplePlanAsync();
        using var server = new LoopbackHttp(r => r.Url!.AbsolutePath switch
        {
            "/plans/good.json" => (200, "application/json", json),
            "/plans/broken.json" => (200, "application/json", "{ nope"),
            "/plans/v9.json" => (200, "application/json", json.Replace("\"schemaVersion\": 1", "\"schemaVersion\": 9")),
            "/plans/boom.json" => (500, "text/plain", "internal error"),
            _ => (404, "text/plain", "not found"),
        });
        var loaded = await Loader().LoadAsync(server.BaseUrl + "/plans/good.json?sig=secret", kit.Work, default);
        Assert.Equal(plan.PlanId, loaded.PlanId);
        Assert.Equal(server.BaseUrl + "/plans/good.json", loaded.Origin); // the query string is never shown

        async Task<string> ErrorOf(string path) =>
            (await Assert.ThrowsAsync<KubiyaException>(() => Loader().LoadAsync(server.BaseUrl + path, kit.Work, default))).ErrorId;
        Assert.Equal(PlanErrors.PlanNotFound, await ErrorOf("/plans/missing.json"));
        Assert.Equal(PlanErrors.PlanInvalidJson, await ErrorOf("/plans/broken.json"));
        Assert.Equal(PlanErrors.PlanSchemaVersionUnsupported, await ErrorOf("/plans/v9.json"));
        Assert.Equal(PlanErrors.PlanFetchFailed, await ErrorOf("/plans/boom.json"));
        Assert.All(server.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task RefusesPlainHttpOffLoopbackAndReportsUnreachableHosts()
    {
        var ex = await Assert.ThrowsAsync<KubiyaException>(() => Loader().LoadAsync("http://plans.example.com/p.json", kit.Work, default));
        Assert.Equal(PlanErrors.PlanSourceInvalid, ex.ErrorId);
        Assert.Contains("https only", ex.Message);

        int port;
        using (var s = new LoopbackHttp(_ => (200, "text/plain", ""))) port = s.Port;
        var down = await Assert.ThrowsAsync<KubiyaException>(() => Loader().LoadAsync($"http://127.0.0.1:{port}/p.json", kit.Work, default));
        Assert.Equal(PlanErrors.PlanFetchFailed, down.ErrorId);
        Assert.StartsWith($"Could not fetch plan http://127.0.0.1:{port}/p.json", down.Message);
    }

    [Fact]
    public async Task LoadsGitHubFormThroughTheContentsApiWithTheToken()
    {
        var (plan, json) = await SamplePlanAsync();
        using var github = new LoopbackHttp(r =>
        {
            if (r.Headers["Authorization"] != "Bearer ghp_testtoken") return (401, "application/json", "{\"message\":\"Bad credentials\"}");
            return r.Url!.PathAndQuery switch
            {
                "/repos/acme/ops/contents/plans/renew.json?ref=v1.2" when r.Headers["Accept"]!.Contains("application/vnd.github.raw") => (200, "application/vnd.github.raw", json),
                // A server that answers with the contents object instead of the raw file.
                "/repos/acme/ops/contents/plans/renew.json" => (200, "application/json",
                    "{\"type\":\"file\",\"encoding\":\"base64\",\"content\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(json)) + "\"}"),
                _ => (404, "application/json", "{\"message\":\"Not Found\"}"),
            };
        });
        var loader = Loader(github.BaseUrl, "ghp_testtoken");
        var atRef = await loader.LoadAsync("acme/ops/plans/renew.json@v1.2", kit.Work, default);
        Assert.Equal(plan.PlanId, atRef.PlanId);
        Assert.Equal("github:acme/ops/plans/renew.json@v1.2", atRef.Origin);
        var head = await loader.LoadAsync("acme/ops/plans/renew.json", kit.Work, default);
        Assert.Equal(plan.PlanId, head.PlanId);

        var missing = await Assert.ThrowsAsync<KubiyaException>(() => loader.LoadAsync("acme/ops/plans/gone.json@main", kit.Work, default));
        Assert.Equal(PlanErrors.PlanNotFound, missing.ErrorId);
        var refused = await Assert.ThrowsAsync<KubiyaException>(() => Loader(github.BaseUrl, "wrong").LoadAsync("acme/ops/plans/renew.json", kit.Work, default));
        Assert.Equal(PlanErrors.PlanFetchFailed, refused.ErrorId);
        Assert.Contains("GITHUB_TOKEN", refused.Message);
        Assert.DoesNotContain("wrong", refused.Message);
    }
}
