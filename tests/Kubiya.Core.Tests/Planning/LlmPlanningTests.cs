using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Planning;
using Kubiya.Testing.FakeOpenAi;

namespace Kubiya.Core.Tests.Planning;

/// <summary>Planning with a model: the production gateway against the loopback OpenAI-compatible fake.</summary>
[Trait("Category", "Planning")]
public sealed class LlmPlanningTests : IDisposable
{
    private const string Key = "sk-plan-test-Lk29vQ";
    private readonly PlanningKit kit = new PlanningKit().StandardAgents();
    private readonly FakeOpenAiServer fake = new();

    public void Dispose()
    {
        fake.Dispose();
        kit.Dispose();
    }

    private ModelGateway Gateway()
    {
        var yaml = $"""
            model_list:
              - model_name: planner
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_base: {fake.BaseUrl}
                  api_key: os.environ/PLAN_TEST_KEY
                model_info:
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.000002
            """;
        Func<string, string?> env = n => n == "PLAN_TEST_KEY" ? Key : null;
        return new ModelGateway(ModelCatalog.Parse(yaml, "models.yaml", env), env);
    }

    private const string Valid = """
        {"agent": "cert-renewal", "title": "Renew the expiring certificates", "summary": "certbot renews what expires soon and nginx reloads.",
         "reasoning": "Expiring things on web servers are TLS certificates.", "alternatives": [{"name": "deploy-web", "reasoning": "also touches the web servers"}]}
        """;

    [Fact]
    public async Task TheModelPicksAndWordsThePlan()
    {
        fake.Enqueue(Reply.Text("```json\n" + Valid + "\n```").WithUsage(900, 60));
        var warnings = new List<string>();
        var plan = await kit.Planner(gateway: Gateway(), model: "planner")
            .PlanAsync(new PlanningRequest { Prompt = "take care of the stuff that runs out on the web boxes next week" }, warnings.Add, default);
        Assert.Equal("cert-renewal", plan.Recommended.Name);
        Assert.Equal("model:planner", plan.SelectedBy);
        Assert.Equal("Renew the expiring certificates", plan.Title);
        Assert.Equal("Expiring things on web servers are TLS certificates.", plan.Recommended.Reasoning);
        Assert.Null(plan.Recommended.Score);
        Assert.Equal("deploy-web", plan.Alternatives[0].Name);
        Assert.Equal("also touches the web servers", plan.Alternatives[0].Reasoning);
        Assert.False(plan.CloseCandidates);
        Assert.Empty(warnings);

        var request = Assert.Single(fake.ChatRequests);
        Assert.Equal("Bearer " + Key, request.Authorization);
        Assert.Equal("system", request.Messages[0].Role);
        Assert.Contains("\"required\":[\"agent\",\"title\",\"summary\",\"reasoning\"]", request.Messages[0].Content!.Replace(" ", ""));
        var user = request.Messages[1].Content!;
        Assert.Contains("\"name\":\"cert-renewal\"", user);
        Assert.DoesNotContain("\"name\":\"shell\"", user);
        Assert.DoesNotContain("\"name\":\"powershell\"", user);
    }

    [Fact]
    public async Task AnInvalidAnswerIsSentBackOnceAndTheRetryCounts()
    {
        fake.Enqueue(Reply.Text("I would use cert-renewal for this."), Reply.Text(Valid));
        var plan = await kit.Planner(gateway: Gateway(), model: "planner")
            .PlanAsync(new PlanningRequest { Prompt = "the certificates expire soon" }, null, default);
        Assert.Equal("cert-renewal", plan.Recommended.Name);
        Assert.Equal("model:planner", plan.SelectedBy);
        Assert.Equal(2, fake.ChatRequests.Count);
        var retry = fake.ChatRequests[1].Messages;
        Assert.Equal("assistant", retry[^2].Role);
        Assert.Equal("I would use cert-renewal for this.", retry[^2].Content);
        Assert.StartsWith("That answer is not valid: the answer is not a JSON object", retry[^1].Content);
    }

    [Fact]
    public async Task TwoInvalidAnswersFallBackToTheRanker()
    {
        // First the built-in shell (not a candidate), then an answer that misses required fields.
        fake.Enqueue(
            Reply.Text("""{"agent": "shell", "title": "t", "summary": "s", "reasoning": "r"}"""),
            Reply.Text("""{"agent": "db-backup"}"""));
        var warnings = new List<string>();
        var plan = await kit.Planner(gateway: Gateway(), model: "planner")
            .PlanAsync(new PlanningRequest { Prompt = "back up the postgres database" }, warnings.Add, default);
        Assert.Equal(2, fake.ChatRequests.Count);
        Assert.Contains("'shell' is not one of the candidates", fake.ChatRequests[1].Messages[^1].Content);
        Assert.Equal("ranker", plan.SelectedBy);
        Assert.Equal("db-backup", plan.Recommended.Name);
        Assert.NotNull(plan.Recommended.Score);
        var warning = Assert.Single(warnings);
        Assert.Contains("answered twice without a valid plan", warning);
        Assert.Contains("'title' is required", warning);
    }

    [Fact]
    public async Task AFailedModelCallFallsBackToTheRankerWithoutTheKey()
    {
        fake.Enqueue(Reply.Error(401, "invalid api key " + Key));
        var warnings = new List<string>();
        var plan = await kit.Planner(gateway: Gateway(), model: "planner")
            .PlanAsync(new PlanningRequest { Prompt = "renew the tls certificates" }, warnings.Add, default);
        Assert.Equal("ranker", plan.SelectedBy);
        Assert.Equal("cert-renewal", plan.Recommended.Name);
        Assert.Contains("could not plan", Assert.Single(warnings));
        Assert.DoesNotContain(Key, warnings[0]);
    }

    [Fact]
    public async Task LlmAgentCostUsesTheGatewayPrice()
    {
        kit.Agent("summarizer", """
            name: summarizer
            kind: llm
            description: Summarizes incident timelines into a postmortem draft.
            tags: [incident, postmortem]
            model: planner
            instructions: Write a postmortem from the timeline.
            tools: [read_file]
            """);
        var plan = await kit.Planner(gateway: Gateway(), model: null)
            .PlanAsync(new PlanningRequest { Prompt = "draft the postmortem for yesterday's incident" }, null, default);
        Assert.Equal("summarizer", plan.Recommended.Name);
        Assert.Empty(fake.ChatRequests); // no planning model configured: the ranker chose, no call made
        var e = plan.Estimate;
        Assert.Equal("planner", e.Model);
        Assert.Equal(Math.Round(e.InputTokens!.Value * 0.000001 + e.OutputTokens!.Value * 0.000002, 4), e.CostUsd);
        Assert.Contains("cost at planner's price", e.Basis);
    }
}
