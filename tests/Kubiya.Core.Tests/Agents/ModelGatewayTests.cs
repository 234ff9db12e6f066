using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Kubiya.Core.Agents.Llm;
using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Testing.FakeOpenAi;

namespace Kubiya.Core.Tests.Agents;

/// <summary>The gateway's real OpenAI client against the loopback fake: streaming, tools, usage, errors, keys.</summary>
[Trait("Category", "Agents")]
public sealed class ModelGatewayTests : IDisposable
{
    private const string Key = "sk-test-Zq81vN3xKeyMaterial";
    private readonly FakeOpenAiServer fake = new();

    public void Dispose() => fake.Dispose();

    private static Func<string, string?> Env(params (string Name, string Value)[] vars)
    {
        var map = vars.ToDictionary(v => v.Name, v => (string?)v.Value);
        return name => map.TryGetValue(name, out var value) ? value : null;
    }

    private ModelGateway Gateway(string? extraParams = null, string? modelInfo = null, string model = "openai/gpt-4o-mini", string? apiBase = null)
    {
        var yaml = $"""
            model_list:
              - model_name: fast
                litellm_params:
                  model: {model}
                  api_base: {apiBase ?? fake.BaseUrl}
                  api_key: os.environ/TEST_MODEL_KEY
            {extraParams ?? ""}
            {modelInfo ?? ""}
            """;
        var env = Env(("TEST_MODEL_KEY", Key));
        return new ModelGateway(ModelCatalog.Parse(yaml, "models.yaml", env), env);
    }

    private static ModelTurnRequest Ask(string prompt, string model = "fast") => new()
    {
        Model = model,
        Messages = { new LlmMessage { Role = LlmRoles.System, Text = "Be brief." }, new LlmMessage { Role = LlmRoles.User, Text = prompt } },
    };

    private static async Task<ModelCallException> Fails(ModelGateway gateway, ModelTurnRequest? request = null)
    {
        var ex = await Assert.ThrowsAsync<ModelCallException>(() => gateway.CompleteAsync(request ?? Ask("hi"), null, CancellationToken.None));
        Assert.DoesNotContain(Key, ex.ToString());
        Assert.DoesNotContain(Key.Substring(0, 8), ex.ToString());
        return ex;
    }

    [Fact]
    public async Task StreamsTextDeltasInOrderWithUsageAndCost()
    {
        var gateway = Gateway(modelInfo: "    model_info:\n      input_cost_per_token: 0.000001\n      output_cost_per_token: 0.000004");
        fake.Enqueue(Reply.TextInChunks("Hel", "lo, ", "wor", "ld.").WithUsage(120, 30).WithModel("gpt-4o-mini-2024-07-18"));
        var deltas = new List<string>();
        var result = await gateway.CompleteAsync(Ask("say hello"), deltas.Add, CancellationToken.None);

        Assert.Equal(new[] { "Hel", "lo, ", "wor", "ld." }, deltas);
        Assert.Equal("Hello, world.", result.Message.Text);
        Assert.Equal(LlmRoles.Assistant, result.Message.Role);
        Assert.Empty(result.Message.ToolCalls);
        Assert.Equal("stop", result.FinishReason);
        Assert.Equal("gpt-4o-mini-2024-07-18", result.ProviderModel);
        Assert.Equal(120, result.Usage.InputTokens);
        Assert.Equal(30, result.Usage.OutputTokens);
        Assert.Equal(120 * 0.000001 + 30 * 0.000004, result.Usage.CostUsd!.Value, 12);

        var request = Assert.Single(fake.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("gpt-4o-mini", request.Model);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
        Assert.Equal(new[] { "system", "user" }, request.Messages.Select(m => m.Role));
        Assert.Equal("say hello", request.Messages[1].Content);
    }

    [Fact]
    public async Task UnpricedModelReportsTokensWithoutCost()
    {
        fake.Enqueue(Reply.Text("ok").WithUsage(9, 2));
        var result = await Gateway().CompleteAsync(Ask("x"), null, CancellationToken.None);
        Assert.Equal(9, result.Usage.InputTokens);
        Assert.Null(result.Usage.CostUsd);
        Assert.Null(Gateway().PriceOf("fast"));
    }

    [Fact]
    public async Task EndpointWithoutUsageLeavesTheCostUnknown()
    {
        var gateway = Gateway(modelInfo: "    model_info:\n      input_cost_per_token: 0.000001\n      output_cost_per_token: 0.000004");
        fake.Enqueue(Reply.Text("no usage here").WithoutUsage());
        var result = await gateway.CompleteAsync(Ask("x"), null, CancellationToken.None);
        Assert.Equal("no usage here", result.Message.Text);
        Assert.Equal(0, result.Usage.InputTokens);
        Assert.Null(result.Usage.CostUsd);
    }

    [Fact]
    public async Task AssemblesParallelToolCallsFromFragmentedInterleavedDeltas()
    {
        fake.Enqueue(Reply.ToolCalls(
                FakeToolCall.Of("read_file", new { path = "src/app.cs", maxLines = 200 }, "call_a"),
                FakeToolCall.Of("search_files", new { pattern = "TODO\\(.*\\)", glob = "**/*.cs" }, "call_b"),
                FakeToolCall.Of("shell", "{\"command\": \"git status", "call_c"))
            .WithText("Let me look.").WithArgumentFragmentSize(2).Interleaved().WithUsage(50, 40));
        var deltas = new List<string>();
        var result = await Gateway().CompleteAsync(Ask("inspect"), deltas.Add, CancellationToken.None);

        Assert.Equal("Let me look.", string.Concat(deltas));
        Assert.Equal("tool_calls", result.FinishReason);
        Assert.Equal(new[] { "call_a", "call_b", "call_c" }, result.Message.ToolCalls.Select(c => c.Id));
        Assert.Equal(new[] { "read_file", "search_files", "shell" }, result.Message.ToolCalls.Select(c => c.Name));
        Assert.Equal("{\"path\":\"src/app.cs\",\"maxLines\":200}", result.Message.ToolCalls[0].ArgumentsJson);
        Assert.Equal(JsonSerializer.Serialize(new { pattern = "TODO\\(.*\\)", glob = "**/*.cs" }), result.Message.ToolCalls[1].ArgumentsJson);
        // Arguments that are not valid JSON reach the tool layer exactly as the model wrote them.
        Assert.Equal("{\"command\": \"git status", result.Message.ToolCalls[2].ArgumentsJson);
    }

    [Fact]
    public async Task SendsToolsAndTheWholeConversationIncludingToolResults()
    {
        fake.Enqueue(Reply.Text("The file says hi."));
        var request = Ask("read a.txt");
        request.Temperature = 0.2;
        request.MaxOutputTokens = 64;
        request.Tools.Add(new ToolSpec
        {
            Name = "read_file",
            Description = "Reads a file in the working directory.",
            ParametersJsonSchema = "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}",
        });
        request.Messages.Add(new LlmMessage
        {
            Role = LlmRoles.Assistant, Text = "Reading.",
            ToolCalls = { new LlmToolCall { Id = "call_1", Name = "read_file", ArgumentsJson = "{\"path\":\"a.txt\"}" } },
        });
        request.Messages.Add(new LlmMessage { Role = LlmRoles.Tool, ToolCallId = "call_1", ToolName = "read_file", Text = "hi\nthere" });

        var result = await Gateway().CompleteAsync(request, null, CancellationToken.None);
        Assert.Equal("The file says hi.", result.Message.Text);

        var sent = Assert.Single(fake.Requests);
        Assert.Equal(new[] { "system", "user", "assistant", "tool" }, sent.Messages.Select(m => m.Role));
        var assistant = sent.Messages[2];
        Assert.Equal("Reading.", assistant.Content);
        var call = Assert.Single(assistant.ToolCalls);
        Assert.Equal(("call_1", "read_file"), (call.Id, call.Name));
        Assert.Equal("a.txt", JsonDocument.Parse(call.ArgumentsJson).RootElement.GetProperty("path").GetString());
        Assert.Equal("call_1", sent.Messages[3].ToolCallId);
        Assert.Equal("hi\nthere", sent.Messages[3].Content);

        Assert.Equal(new[] { "read_file" }, sent.ToolNames);
        var function = sent.Tools!.Value[0].GetProperty("function");
        Assert.Equal("Reads a file in the working directory.", function.GetProperty("description").GetString());
        Assert.Equal("path", function.GetProperty("parameters").GetProperty("required")[0].GetString());
        var body = sent.Json!.Value;
        Assert.Equal(0.2, body.GetProperty("temperature").GetDouble(), 5);
        Assert.True(body.TryGetProperty("max_completion_tokens", out var max) || body.TryGetProperty("max_tokens", out max));
        Assert.Equal(64, max.GetInt32());
    }

    [Fact]
    public async Task AuthorizationCarriesTheResolvedKeyWhichNoErrorRepeats()
    {
        fake.Enqueue(Reply.Text("ok"));
        await Gateway().CompleteAsync(Ask("x"), null, CancellationToken.None);
        Assert.Equal("Bearer " + Key, fake.Requests[0].Authorization);

        // OpenAI's real 401 echoes part of the key; none of it may surface.
        fake.Enqueue(Reply.Error(401, $"Incorrect API key provided: {Key.Substring(0, 10)}****{Key.Substring(Key.Length - 4)}.", "invalid_request_error", "invalid_api_key"));
        var ex = await Fails(Gateway());
        Assert.Equal(ModelErrorIds.AuthFailed, ex.ErrorId);
        Assert.False(ex.Retryable);
        Assert.Contains("refused the API key (HTTP 401)", ex.Message);
        Assert.Contains("TEST_MODEL_KEY", ex.Message);
        Assert.DoesNotContain(Key.Substring(Key.Length - 4), ex.ToString());
        Assert.Null(ex.InnerException);
    }

    [Theory]
    [InlineData(403, "ModelAuthFailed", false)]
    [InlineData(404, "ModelNotFound", false)]
    [InlineData(400, "ModelBadResponse", false)]
    [InlineData(500, "ModelBadResponse", true)]
    [InlineData(503, "ModelBadResponse", true)]
    public async Task HttpErrorsMapToSpecificIdsWithOneRequestEach(int status, string errorId, bool retryable)
    {
        fake.Enqueue(Reply.Error(status, $"Provider said no; key sk-proj-AbCdEf123456 was used.").WithHeader("Retry-After", "0"));
        var ex = await Fails(Gateway());
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(retryable, ex.Retryable);
        Assert.Contains("'fast'", ex.Message);
        Assert.Contains(fake.RootUrl, ex.Message);
        Assert.DoesNotContain("sk-proj", ex.Message);
        // No hidden client retries: retrying is the activity's decision.
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task RateLimitIsRetryableAndNotRetriedByTheClient()
    {
        fake.Enqueue(Reply.RateLimited(0));
        var ex = await Fails(Gateway());
        Assert.Equal(ModelErrorIds.RateLimited, ex.ErrorId);
        Assert.True(ex.Retryable);
        Assert.Contains("HTTP 429", ex.Message);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task ConnectionRefusedIsUnreachable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var ex = await Fails(Gateway(apiBase: $"http://127.0.0.1:{port}/v1"));
        Assert.Equal(ModelErrorIds.Unreachable, ex.ErrorId);
        Assert.True(ex.Retryable);
        Assert.Equal($"Could not reach the endpoint of model 'fast' at http://127.0.0.1:{port} (connection refused).", ex.Message);
    }

    [Fact]
    public async Task MalformedStreamIsABadResponse()
    {
        fake.Enqueue(Reply.Raw("data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"\n\ndata: not json at all\n\n"));
        var ex = await Fails(Gateway());
        Assert.Equal(ModelErrorIds.BadResponse, ex.ErrorId);
        Assert.Contains("not a valid chat completion", ex.Message);
    }

    [Fact]
    public async Task ConnectionDroppedMidStreamIsUnreachable()
    {
        fake.Enqueue(Reply.Text("a long answer that never ends").WithTextChunkSize(3).DropAfterChunks(3));
        var deltas = new List<string>();
        var ex = await Assert.ThrowsAsync<ModelCallException>(() => Gateway().CompleteAsync(Ask("x"), deltas.Add, CancellationToken.None));
        Assert.Equal(ModelErrorIds.Unreachable, ex.ErrorId);
        Assert.True(ex.Retryable);
        Assert.Equal("a long", string.Concat(deltas));
    }

    [Fact]
    public async Task ModelTimeoutEndsASlowAnswer()
    {
        fake.Enqueue(Reply.Hang());
        var gateway = Gateway(extraParams: "      timeout: 1");
        var started = DateTime.UtcNow;
        var ex = await Fails(gateway);
        Assert.Equal(ModelErrorIds.Unreachable, ex.ErrorId);
        Assert.Contains("did not answer within 1 s", ex.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task CancellationStopsTheRequest()
    {
        fake.Enqueue(Reply.Hang());
        using var cts = new CancellationTokenSource();
        var call = Gateway().CompleteAsync(Ask("x"), null, cts.Token);
        await fake.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!fake.Requests[0].Aborted && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(fake.Requests[0].Aborted, "the fake should see the client go away");
    }

    [Fact]
    public async Task AzureUsesTheDeploymentUrlApiKeyHeaderAndApiVersion()
    {
        fake.Enqueue(Reply.Text("from azure").WithUsage(3, 2));
        var gateway = Gateway(model: "azure/gpt4o-prod", apiBase: fake.RootUrl, extraParams: "      api_version: \"2024-10-21\"");
        var result = await gateway.CompleteAsync(Ask("x"), null, CancellationToken.None);
        Assert.Equal("from azure", result.Message.Text);

        var request = Assert.Single(fake.Requests);
        Assert.Equal("/openai/deployments/gpt4o-prod/chat/completions", request.Path);
        Assert.Equal("gpt4o-prod", request.Deployment);
        Assert.Equal("2024-10-21", request.Query["api-version"]);
        Assert.Equal(Key, request.Headers["api-key"]);
        Assert.Null(request.Authorization);
    }

    [Fact]
    public async Task KeylessLocalEndpointsGetNoCredentialAndTheirV1Path()
    {
        fake.Enqueue(Reply.Text("local"));
        var yaml = $"model_list:\n  - model_name: llama\n    litellm_params:\n      model: hosted_vllm/llama3.1\n      api_base: {fake.RootUrl}\n";
        var gateway = new ModelGateway(ModelCatalog.Parse(yaml, "models.yaml", Env()), Env());
        var result = await gateway.CompleteAsync(Ask("x", "llama"), null, CancellationToken.None);
        Assert.Equal("local", result.Message.Text);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("llama3.1", request.Model);
        Assert.Null(request.Authorization);
        Assert.False(request.Headers.ContainsKey("api-key"));
    }

    [Fact]
    public async Task OpenAiDefaultSendsAnyNameAsIs()
    {
        fake.Enqueue(Reply.Text("default"));
        var env = Env(("OPENAI_API_KEY", Key), ("OPENAI_BASE_URL", fake.BaseUrl));
        var gateway = new ModelGateway(ModelCatalog.Parse("model_list: []", "models.yaml", env), env);
        var result = await gateway.CompleteAsync(Ask("x", "qwen2.5-coder:7b"), null, CancellationToken.None);
        Assert.Equal("default", result.Message.Text);
        Assert.Equal("qwen2.5-coder:7b", fake.Requests[0].Model);
        Assert.Equal("Bearer " + Key, fake.Requests[0].Authorization);
    }

    [Fact]
    public async Task MissingKeyVariableAndUnknownModelAreClearErrorsWithoutARequest()
    {
        var yaml = $"model_list:\n  - model_name: fast\n    litellm_params:\n      model: gpt-4o\n      api_base: {fake.BaseUrl}\n      api_key: os.environ/NOT_SET_ANYWHERE\n";
        var gateway = new ModelGateway(ModelCatalog.Parse(yaml, "models.yaml", Env()), Env());
        var missing = await Fails(gateway);
        Assert.Equal(ModelErrorIds.ConfigInvalid, missing.ErrorId);
        Assert.Contains("NOT_SET_ANYWHERE", missing.Message);

        var unknown = await Fails(gateway, Ask("x", "gpt-5-ultra"));
        Assert.Equal(ModelErrorIds.NotFound, unknown.ErrorId);
        Assert.Contains("known models: fast", unknown.Message);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task WorkerGatewaySurvivesAnUnreadableModelListAndReportsItOnEachCall()
    {
        var home = Directory.CreateTempSubdirectory("kubiya-gw-").FullName;
        try
        {
            var paths = new Kubiya.Core.Configuration.KubiyaPaths(home);
            File.WriteAllText(Path.Combine(home, "models.yaml"), "model_list:\n  - model_name: m\n    litellm_params: {model: [x\n");
            var warnings = new List<string>();
            var broken = ModelGateway.ForWorker(null, paths, Env(), warnings.Add);
            var ex = await Assert.ThrowsAsync<ModelCallException>(() => broken.CompleteAsync(Ask("x", "m"), null, CancellationToken.None));
            Assert.Equal(ModelErrorIds.ConfigInvalid, ex.ErrorId);
            Assert.StartsWith(Path.Combine(home, "models.yaml") + ":", ex.Message);
            Assert.Equal(ex.Message, Assert.Single(warnings));

            File.WriteAllText(Path.Combine(home, "models.yaml"), $"model_list:\n  - model_name: m\n    litellm_params:\n      model: gpt-4o\n      api_base: {fake.BaseUrl}\n      api_key: sk-in-file-123\n");
            warnings.Clear();
            fake.Enqueue(Reply.Text("fine"));
            var working = ModelGateway.ForWorker(null, paths, Env(), warnings.Add);
            Assert.Equal("fine", (await working.CompleteAsync(Ask("x", "m"), null, CancellationToken.None)).Message.Text);
            Assert.Contains("is written in the file", Assert.Single(warnings));
            Assert.DoesNotContain("sk-in-file-123", warnings[0]);
        }
        finally { Directory.Delete(home, recursive: true); }
    }
}
