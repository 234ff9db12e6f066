using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Tests.Agents;

/// <summary>models.yaml in LiteLLM's model_list format, the JSON form, the sources and name resolution.</summary>
[Trait("Category", "Agents")]
public sealed class ModelCatalogTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("kubiya-models-").FullName;

    public void Dispose() => Directory.Delete(home, recursive: true);

    private static Func<string, string?> Env(params (string Name, string Value)[] vars)
    {
        var map = vars.ToDictionary(v => v.Name, v => (string?)v.Value);
        return name => map.TryGetValue(name, out var value) ? value : null;
    }

    private const string FullList = """
        model_list:
          - model_name: fast
            litellm_params:
              model: openai/gpt-4o-mini
              api_key: os.environ/MY_OPENAI_KEY
              timeout: 30
              max_tokens: 800
            model_info:
              input_cost_per_token: 0.00000015
              output_cost_per_token: 6.0e-7
          - model_name: corp
            litellm_params:
              model: azure/gpt4o-deployment
              api_base: https://corp.openai.azure.com/
              api_version: "2024-08-01-preview"
              api_key: ${env:AZURE_KEY}
          - model_name: local
            litellm_params:
              model: ollama/llama3.1
          - model_name: vllm
            litellm_params:
              model: hosted_vllm/meta-llama/Llama-3.1-8B-Instruct
              api_base: http://gpu-box:8000
          - model_name: gpt-4o
            litellm_params:
              model: gpt-4o
        litellm_settings:
          drop_params: true
        """;

    [Fact]
    public void ReadsEveryFieldOfTheLiteLlmModelList()
    {
        var catalog = ModelCatalog.Parse(FullList, "models.yaml", Env());
        Assert.Equal(new[] { "fast", "corp", "local", "vllm", "gpt-4o" }, catalog.Names);
        Assert.Empty(catalog.Warnings);

        var fast = catalog.Resolve("fast");
        Assert.Equal(ModelProviders.OpenAi, fast.Provider);
        Assert.Equal("gpt-4o-mini", fast.ProviderModel);
        Assert.Equal("https://api.openai.com/v1", fast.ApiBase);
        Assert.Equal("os.environ/MY_OPENAI_KEY", fast.ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(30), fast.Timeout);
        Assert.Equal(800, fast.MaxTokens);
        Assert.Equal(0.00000015, fast.Price!.InputPerToken, 12);
        Assert.Equal(0.0000006, fast.Price.OutputPerToken, 12);
        Assert.Equal("models.yaml:2:5", fast.Source);

        var corp = catalog.Resolve("corp");
        Assert.True(corp.IsAzure);
        Assert.Equal("gpt4o-deployment", corp.ProviderModel);
        Assert.Equal("https://corp.openai.azure.com", corp.ApiBase);
        Assert.Equal("2024-08-01-preview", corp.ApiVersion);
        Assert.Equal("${env:AZURE_KEY}", corp.ApiKey);
        Assert.Null(corp.Price);

        var local = catalog.Resolve("local");
        Assert.Equal(ModelProviders.Ollama, local.Provider);
        Assert.Equal("llama3.1", local.ProviderModel);
        Assert.Equal("http://localhost:11434/v1", local.ApiBase);
        Assert.Null(local.ApiKey);

        var vllm = catalog.Resolve("vllm");
        Assert.Equal("meta-llama/Llama-3.1-8B-Instruct", vllm.ProviderModel);
        Assert.Equal("http://gpu-box:8000/v1", vllm.ApiBase);

        var plain = catalog.Resolve("gpt-4o");
        Assert.Equal(ModelProviders.OpenAi, plain.Provider);
        Assert.Equal("gpt-4o", plain.ProviderModel);
        Assert.Equal("os.environ/OPENAI_API_KEY", plain.ApiKey);

        Assert.Equal(0.00000015, catalog.PriceOf("fast")!.InputPerToken, 12);
        Assert.Null(catalog.PriceOf("corp"));
    }

    [Fact]
    public void LiteralKeyIsAcceptedWithAWarningThatNeverRepeatsIt()
    {
        const string yaml = """
            model_list:
              - model_name: m
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_key: sk-literal-0123456789abcdef
            """;
        var catalog = ModelCatalog.Parse(yaml, "models.yaml", Env());
        Assert.Equal("sk-literal-0123456789abcdef", catalog.Resolve("m").ApiKey);
        var warning = Assert.Single(catalog.Warnings);
        Assert.StartsWith("models.yaml:5:16: litellm_params.api_key:", warning);
        Assert.DoesNotContain("sk-", warning);
        Assert.DoesNotContain("0123456789", warning);
    }

    [Theory]
    [InlineData("model_list:\n  - model_name: m\n    litellm_params: [unclosed\n", "models.yaml:4:1: (syntax):")]
    [InlineData("model_list:\n  - model_name: m\n    litellm_params:\n      api_base: http://x\n", "models.yaml:4:7: litellm_params.model: missing")]
    [InlineData("model_list:\n  - litellm_params:\n      model: gpt-4o\n", "models.yaml:2:5: model_name: missing")]
    [InlineData("model_list:\n  - model_name: m\n    litellm_params:\n      model: gpt-4o\n    model_info:\n      input_cost_per_token: cheap\n", "models.yaml:6:29: model_info.input_cost_per_token: 'cheap' is not a number")]
    [InlineData("model_list:\n  - model_name: m\n    litellm_params:\n      model: gpt-4o\n      api_key: ${OPENAI_API_KEY}\n", "models.yaml:5:16: litellm_params.api_key: write ${env:OPENAI_API_KEY} or os.environ/OPENAI_API_KEY")]
    [InlineData("model_list:\n  - model_name: m\n    litellm_params:\n      model: azure/dep\n", "models.yaml:4:7: litellm_params.api_base: model 'm' (azure) needs api_base (or the environment variable AZURE_API_BASE)")]
    [InlineData("model_list:\n  - model_name: m\n    litellm_params:\n      model: gpt-4o\n      timeout: -3\n", "models.yaml:5:16: litellm_params.timeout: must be a positive number of seconds")]
    [InlineData("models:\n  - x\n", "models.yaml:1:1: model_list: missing")]
    public void BadFilesNameFileLineAndColumn(string yaml, string expectedStart)
    {
        var ex = Assert.Throws<KubiyaException>(() => ModelCatalog.Parse(yaml, "models.yaml", Env()));
        Assert.Equal(ModelErrorIds.ConfigInvalid, ex.ErrorId);
        Assert.Equal(KubiyaErrorKind.InvalidDefinition, ex.Kind);
        Assert.StartsWith(expectedStart, ex.Message);
    }

    [Fact]
    public void JsonConfigInBothShapesAndJsonErrorsWithPosition()
    {
        var paths = new KubiyaPaths(home);
        var wrapped = ModelCatalog.Load(new ModelCatalogOptions
        {
            ConfigJson = "{\n\t\"model_list\": [{\"model_name\": \"j\", \"litellm_params\": {\"model\": \"openai/gpt-4.1\", \"api_base\": \"http://127.0.0.1:9/v1\", \"api_key\": \"os.environ/K\"}, \"model_info\": {\"input_cost_per_token\": 2e-6, \"output_cost_per_token\": 8e-6}}]\n}",
        }, paths, Env());
        Assert.Equal("--proxy-config-json", wrapped.Source);
        var j = wrapped.Resolve("j");
        Assert.Equal("gpt-4.1", j.ProviderModel);
        Assert.Equal("http://127.0.0.1:9/v1", j.ApiBase);
        Assert.Equal(0.000002 * 10 + 0.000008 * 5, j.Price!.Cost(10, 5), 12);

        var bare = ModelCatalog.Parse("[{\"model_name\": \"b\", \"litellm_params\": {\"model\": \"ollama_chat/qwen2\"}}]", "json", Env());
        Assert.Equal(ModelProviders.Ollama, bare.Resolve("b").Provider);

        var ex = Assert.Throws<KubiyaException>(() => ModelCatalog.Load(new ModelCatalogOptions { ConfigJson = "{\"model_list\": [\n  {\"model_name\": }]}" }, paths, Env()));
        Assert.StartsWith("--proxy-config-json:2:18: (syntax): not valid JSON", ex.Message);
    }

    [Fact]
    public void SourcesAreTakenInOrderFileThenJsonThenHomeModelsYaml()
    {
        var paths = new KubiyaPaths(home);
        File.WriteAllText(Path.Combine(home, "models.yaml"), "model_list:\n  - model_name: from-home\n    litellm_params:\n      model: gpt-4o\n");
        var explicitFile = Path.Combine(home, "team-models.yaml");
        File.WriteAllText(explicitFile, "model_list:\n  - model_name: from-file\n    litellm_params:\n      model: gpt-4o\n");
        const string json = "{\"model_list\": [{\"model_name\": \"from-json\", \"litellm_params\": {\"model\": \"gpt-4o\"}}]}";

        Assert.Equal(new[] { "from-file" }, ModelCatalog.Load(new ModelCatalogOptions { ConfigFile = explicitFile, ConfigJson = json }, paths, Env()).Names);
        Assert.Equal(new[] { "from-json" }, ModelCatalog.Load(new ModelCatalogOptions { ConfigJson = json }, paths, Env()).Names);
        var fromHome = ModelCatalog.Load(null, paths, Env());
        Assert.Equal(new[] { "from-home" }, fromHome.Names);
        Assert.Equal(Path.Combine(home, "models.yaml"), fromHome.Source);

        var missing = Assert.Throws<KubiyaException>(() => ModelCatalog.Load(new ModelCatalogOptions { ConfigFile = Path.Combine(home, "nope.yaml") }, paths, Env()));
        Assert.Equal(ModelErrorIds.ConfigInvalid, missing.ErrorId);
        Assert.Contains("nope.yaml' does not exist", missing.Message);

        File.Delete(Path.Combine(home, "models.yaml"));
        Assert.Empty(ModelCatalog.Load(null, paths, Env()).Models);
    }

    [Fact]
    public void OpenAiEnvironmentIsTheZeroConfigDefaultForUnlistedNames()
    {
        var paths = new KubiyaPaths(home);
        var catalog = ModelCatalog.Load(null, paths, Env(("OPENAI_API_KEY", "sk-env"), ("OPENAI_BASE_URL", "http://127.0.0.1:4000/v1/")));
        var endpoint = catalog.Resolve("llama-3-70b");
        Assert.Equal("llama-3-70b", endpoint.ProviderModel);
        Assert.Equal("http://127.0.0.1:4000/v1", endpoint.ApiBase);
        Assert.Equal("os.environ/OPENAI_API_KEY", endpoint.ApiKey);
        Assert.Null(catalog.PriceOf("llama-3-70b"));
        Assert.Equal("llama-3-70b", catalog.ResolveModelName("llama-3-70b", null));

        var keyOnly = ModelCatalog.Load(null, paths, Env(("OPENAI_API_KEY", "sk-env")));
        Assert.Equal(ModelProviders.OpenAiBaseUrl, keyOnly.Resolve("gpt-4o-mini").ApiBase);

        // A listed openai/ model without api_base goes where OPENAI_BASE_URL points, as LiteLLM sends it;
        // an api_base of its own wins, and without the variable it is the OpenAI API.
        const string Listed = "model_list:\n  - model_name: fast\n    litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/OPENAI_API_KEY }\n" +
            "  - model_name: own\n    litellm_params: { model: openai/gpt-4o, api_base: 'http://127.0.0.1:5000/v1' }\n";
        var proxied = ModelCatalog.Parse(Listed, "models.yaml", Env(("OPENAI_API_KEY", "sk-env"), ("OPENAI_BASE_URL", "http://127.0.0.1:4000/v1/")));
        Assert.Equal("http://127.0.0.1:4000/v1", proxied.Resolve("fast").ApiBase);
        Assert.Equal("http://127.0.0.1:5000/v1", proxied.Resolve("own").ApiBase);
        Assert.Equal(ModelProviders.OpenAiBaseUrl, ModelCatalog.Parse(Listed, "models.yaml", Env(("OPENAI_API_KEY", "sk-env"))).Resolve("fast").ApiBase);

        var none = ModelCatalog.Load(null, paths, Env());
        Assert.Null(none.Fallback);
        var ex = Assert.Throws<KubiyaException>(() => none.Resolve("gpt-4o-mini"));
        Assert.Equal(ModelErrorIds.NotFound, ex.ErrorId);
    }

    [Fact]
    public void OverrideBeatsTheAgentModelAndUnknownNamesListTheKnownOnes()
    {
        var catalog = ModelCatalog.Parse(FullList, "models.yaml", Env());
        Assert.Equal("local", catalog.ResolveModelName("fast", "local"));
        Assert.Equal("fast", catalog.ResolveModelName("fast", null));
        Assert.Equal("fast", catalog.ResolveModelName(null, "  "));
        Assert.Equal("fast", catalog.ResolveModelName(null, null));

        var ex = Assert.Throws<KubiyaException>(() => catalog.ResolveModelName("fast", "claude-3"));
        Assert.Equal(ModelErrorIds.NotFound, ex.ErrorId);
        Assert.Equal(KubiyaErrorKind.NotFound, ex.Kind);
        Assert.Contains("'claude-3' is not configured", ex.Message);
        Assert.Contains("known models: fast, corp, local, vllm, gpt-4o", ex.Message);
        Assert.Contains("OPENAI_API_KEY", ex.Message);

        var empty = ModelCatalog.Parse("model_list: []", "models.yaml", Env());
        Assert.Equal(ModelErrorIds.NotFound, Assert.Throws<KubiyaException>(() => empty.ResolveModelName(null, null)).ErrorId);
    }

    [Fact]
    public void NonOpenAiProvidersAreKeptOutWithAWarningAndAClearErrorOnUse()
    {
        const string yaml = """
            model_list:
              - model_name: claude
                litellm_params:
                  model: anthropic/claude-3-5-sonnet
              - model_name: ok
                litellm_params:
                  model: openai/gpt-4o-mini
              - model_name: ok
                litellm_params:
                  model: openai/gpt-4o
            """;
        var catalog = ModelCatalog.Parse(yaml, "models.yaml", Env(("OPENAI_API_KEY", "sk-env")));
        Assert.Equal(new[] { "ok" }, catalog.Names);
        Assert.Equal("gpt-4o-mini", catalog.Resolve("ok").ProviderModel);
        Assert.Equal(2, catalog.Warnings.Count);
        Assert.Contains(catalog.Warnings, w => w.StartsWith("models.yaml:4:14: litellm_params.model: provider 'anthropic'"));
        Assert.Contains(catalog.Warnings, w => w.Contains("'ok' is listed more than once"));
        var ex = Assert.Throws<KubiyaException>(() => catalog.Resolve("claude"));
        Assert.Equal(ModelErrorIds.ConfigInvalid, ex.ErrorId);
        Assert.False(catalog.Contains("claude"));
    }

    [Fact]
    public void TheExampleOfTheAboutTopicIsAValidModelList()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Kubiya.sln"))) dir = dir.Parent;
        var lines = File.ReadAllLines(Path.Combine(dir!.FullName, "docs", "help", "about_Kubiya_Models.help.txt"));
        var start = Array.FindIndex(lines, l => l.Trim() == "model_list:");
        var indent = lines[start].Length - lines[start].TrimStart().Length;
        var block = lines.Skip(start).TakeWhile(l => l.Trim().Length == 0 || l.Length - l.TrimStart().Length >= indent)
            .Select(l => l.Length >= indent ? l.Substring(indent) : l);
        var catalog = ModelCatalog.Parse(string.Join("\n", block), "about_Kubiya_Models", Env(("OPENAI_API_KEY", "sk-x")));
        Assert.Equal(new[] { "fast", "corp", "local", "gpu" }, catalog.Names);
        Assert.Empty(catalog.Warnings);
        Assert.True(catalog.Resolve("corp").IsAzure);
        Assert.Equal("http://gpu-01:8000/v1", catalog.Resolve("gpu").ApiBase);
        Assert.NotNull(catalog.PriceOf("fast"));
    }
}
