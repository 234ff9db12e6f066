using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Kubiya.Cli.Tests.Infrastructure;
using Kubiya.Testing.FakeOpenAi;

namespace Kubiya.Cli.Tests.WebUI;

/// <summary>
/// One real server, one foreground <c>kubiya worker start</c> serving its web UI on a free port,
/// a loopback OpenAI fake for llm agents, and one headless chromium that opened the printed URL
/// (so it holds the token cookie). Shared by the WebUI collection.
/// </summary>
public sealed class WebUIFixture : CliFixture
{
    public const string KeyVariable = "KUBIYA_TEST_WEBUI_LLM_KEY";

    public string Queue { get; } = Unique("webui");
    public string Key { get; } = "sk-webui-" + Guid.NewGuid().ToString("N");
    public FakeOpenAiServer Fake { get; } = new();
    public string Work { get; } = Path.Combine(Path.GetTempPath(), "kubiya-webui-work-" + Guid.NewGuid().ToString("N")[..10]);
    public string ModelsFile => Path.Combine(Work, "models.yaml");
    public CliProcess Worker { get; private set; } = null!;
    public Browser Browser { get; private set; } = null!;

    /// <summary>The printed address with the token.</summary>
    public string Url { get; private set; } = "";
    public string Token { get; private set; } = "";
    public int Port { get; private set; }
    public string Base => $"http://127.0.0.1:{Port}";

    /// <summary>An environment whose workers and UIs may serve the web UI (tests pass free ports).</summary>
    public CliEnvironment UiEnv => Env.With("KUBIYA_NO_WEBUI", null).With(KeyVariable, Key);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Directory.CreateDirectory(Work);
        Fake.RequiredApiKey = Key;
        File.WriteAllText(ModelsFile, $"""
            model_list:
              - model_name: smart
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {Fake.BaseUrl}
                  api_key: os.environ/{KeyVariable}
                model_info:
                  input_cost_per_token: 0.000003
                  output_cost_per_token: 0.000015
            """);
        WriteAgent("lines", "name: lines\ndescription: prints five lines\nsteps:\n  - name: count\n    shell: 'for i in 1 2 3 4 5; do echo stream-line-$i; sleep 0.4; done'\n");
        WriteAgent("sleeper", "name: sleeper\ndescription: waits a long time\nsteps:\n  - name: wait\n    shell: sleep 120\n");
        WriteAgent("reader", "name: reader\nkind: llm\nmodel: smart\ninstructions: Be brief.\ntools: [read_file]\n");
        Worker = UiEnv.Start(new[] { "worker", "start", "--queue-id", Queue, "--webui-port", "0", "--proxy-config-file", ModelsFile }, workingDirectory: Work);
        var line = await Worker.WaitForLineAsync(l => l.Contains("Web UI: http://127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        Url = line[line.IndexOf("http://", StringComparison.Ordinal)..].Trim();
        var uri = new Uri(Url);
        Port = uri.Port;
        Token = uri.Query.Split("token=")[1];
        Browser = new Browser();
        Browser.Go(Url);
        Browser.Find("#nav");
    }

    /// <summary>An HTTP client for the UI; with the token as a bearer unless <paramref name="token"/> is false.</summary>
    public HttpClient Http(bool token = true)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(Base), Timeout = TimeSpan.FromSeconds(60) };
        if (token) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>GETs JSON with the token.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var http = Http();
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Submits an execution to the UI's queue through the CLI; returns its id.</summary>
    public async Task<string> SubmitAsync(string agent, string prompt = "go")
    {
        var r = (await Env.RunAsync(new[] { "exec", "agent", agent, prompt, "--queue", Queue, "--no-wait", "-o", "json" }, null, TimeSpan.FromSeconds(60), Work)).Exit(0);
        return r.Json.GetProperty("id").GetString()!;
    }

    /// <summary>Waits for an execution's status through the CLI.</summary>
    public async Task<JsonElement> WaitStatusAsync(string id, string status, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = (await Env.RunAsync("execution", "get", id, "-o", "json")).Exit(0).Json;
            if (last.GetProperty("status").GetString() == status) return last;
            await Task.Delay(300);
        }
        throw new TimeoutException($"{id} did not become {status}: {last}");
    }

    public override async Task DisposeAsync()
    {
        Browser?.Dispose();
        if (Worker != null && !Worker.HasExited)
        {
            Worker.Signal("INT");
            try { await Worker.WaitForExitAsync(TimeSpan.FromSeconds(30)); } catch (TimeoutException) { }
        }
        Worker?.Dispose();
        await Fake.DisposeAsync();
        try { Directory.Delete(Work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        await base.DisposeAsync();
    }

    /// <summary>A port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

[CollectionDefinition(Name)]
public sealed class WebUICollection : ICollectionFixture<WebUIFixture>
{
    public const string Name = "WebUI";
}
