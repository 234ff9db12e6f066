using System.Text;
using Google.Protobuf;
using Kubiya.Testing.FakeOpenAi;
using Kubiya.Tests.PowerShell;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Kubiya.Tests.Agents;

/// <summary>
/// What the llm agent tests share: a fake OpenAI endpoint per test, a models.yaml pointing at it
/// whose key is a secret reference (the key itself lives only in this process's environment), and a
/// scan of an execution's raw history (every run) for that key.
/// </summary>
public sealed class LlmTestKit : IDisposable
{
    /// <summary>Environment variable the models.yaml key refers to.</summary>
    public const string KeyVariable = "KUBIYA_TEST_LLM_KEY";

    /// <summary>USD per input token of the "fast" model.</summary>
    public const double InputPrice = 0.000002;

    /// <summary>USD per output token of the "fast" model.</summary>
    public const double OutputPrice = 0.000008;

    /// <summary>USD per input token of the "cheap" model.</summary>
    public const double CheapInputPrice = 0.0000003;

    /// <summary>USD per output token of the "cheap" model.</summary>
    public const double CheapOutputPrice = 0.0000012;

    private readonly ModuleFixture fx;

    public LlmTestKit(ModuleFixture fx, PsSession session)
    {
        this.fx = fx;
        Session = session;
        Key = "sk-test-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(KeyVariable, Key);
        Fake = new FakeOpenAiServer { RequiredApiKey = Key };
        ModelsFile = Path.Combine(session.WorkingDirectory, "models.yaml");
        File.WriteAllText(ModelsFile, $"""
            model_list:
              - model_name: fast
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_base: {Fake.BaseUrl}
                  api_key: os.environ/{KeyVariable}
                model_info:
                  input_cost_per_token: {InputPrice.ToString(System.Globalization.CultureInfo.InvariantCulture)}
                  output_cost_per_token: {OutputPrice.ToString(System.Globalization.CultureInfo.InvariantCulture)}
              - model_name: other
                litellm_params:
                  model: openai/gpt-other
                  api_base: {Fake.BaseUrl}
                  api_key: os.environ/{KeyVariable}
              - model_name: cheap
                litellm_params:
                  model: openai/gpt-cheap
                  api_base: {Fake.BaseUrl}
                  api_key: os.environ/{KeyVariable}
                model_info:
                  input_cost_per_token: {CheapInputPrice.ToString(System.Globalization.CultureInfo.InvariantCulture)}
                  output_cost_per_token: {CheapOutputPrice.ToString(System.Globalization.CultureInfo.InvariantCulture)}
            """);
    }

    public FakeOpenAiServer Fake { get; }
    public PsSession Session { get; }
    public string Key { get; }
    public string ModelsFile { get; }

    /// <summary>Runs (continue-as-new chain length) seen by the last <see cref="AssertKeyAbsentAsync"/>.</summary>
    public int Runs { get; private set; }

    /// <summary>Writes a project llm agent using the "fast" model.</summary>
    public void Agent(string name, string body) =>
        TestAgents.WriteProjectAgent(Session.WorkingDirectory, name, $"name: {name}\nkind: llm\nmodel: fast\ninstructions: You are a careful test agent.\n{body.Replace("\r\n", "\n")}\n");

    /// <summary>Runs the agent on a local worker with this models.yaml; returns the execution.</summary>
    public PsResult RunLocal(string agent, string prompt, string extra = "") =>
        Session.Run($"Invoke-KubiyaExec -Agent {agent} '{prompt}' -Local -ModelConfig '{ModelsFile}' {extra}", TimeSpan.FromSeconds(120));

    /// <summary>Starts a worker job for <paramref name="queue"/> using this models.yaml.</summary>
    public void StartWorker(string queue) => Session.Run($"$null = Start-KubiyaWorker -QueueId {queue} -ModelConfig '{ModelsFile}'").Ok();

    /// <summary>Submits to <paramref name="queue"/> and returns the id.</summary>
    public string Submit(string agent, string prompt, string queue, string extra = "") =>
        Session.Run($"(Invoke-KubiyaExec -Agent {agent} '{prompt}' -Queue {queue} -NoWait -WarningAction SilentlyContinue {extra}).Id").Ok().Single().ToString();

    /// <summary>Polls until the execution reaches <paramref name="status"/>.</summary>
    public async Task WaitForStatusAsync(string id, string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = Session.Run($"(Get-KubiyaExecution -Id {id}).Status").Ok().Single().ToString();
            if (last == status) return;
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"{id} stayed {last}, expected {status}");
    }

    /// <summary>The text of every message the model was sent in chat request <paramref name="index"/>.</summary>
    public string RequestText(int index) =>
        string.Join("\n", Fake.ChatRequests[index].Messages.Select(m => $"{m.Role}: {m.Content}"));

    /// <summary>
    /// Reads the raw history of every run of <paramref name="id"/> (continue-as-new included) and
    /// its memo, and asserts the API key (<paramref name="key"/>, default the fake's) appears nowhere.
    /// </summary>
    public async Task AssertKeyAbsentAsync(string id, string? key = null)
    {
        key ??= Key;
        var client = fx.Client;
        var text = new StringBuilder();
        var desc = await client.GetWorkflowHandle(id).DescribeAsync();
        string? runId = (await client.Connection.WorkflowService.DescribeWorkflowExecutionAsync(new DescribeWorkflowExecutionRequest
        {
            Namespace = client.Options.Namespace,
            Execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = id },
        })).WorkflowExecutionInfo.FirstRunId;
        Runs = 0;
        while (runId != null)
        {
            Runs++;
            ByteString token = ByteString.Empty;
            string? next = null;
            do
            {
                var page = await client.Connection.WorkflowService.GetWorkflowExecutionHistoryAsync(new GetWorkflowExecutionHistoryRequest
                {
                    Namespace = client.Options.Namespace,
                    Execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = id, RunId = runId },
                    NextPageToken = token,
                });
                foreach (HistoryEvent e in page.History.Events)
                {
                    text.Append(JsonFormatter.Default.Format(e)).Append('\n');
                    text.Append(Encoding.UTF8.GetString(e.ToByteArray())).Append('\n');
                    if (e.EventType == EventType.WorkflowExecutionContinuedAsNew) next = e.WorkflowExecutionContinuedAsNewEventAttributes.NewExecutionRunId;
                }
                token = page.NextPageToken;
            }
            while (!token.IsEmpty);
            runId = next;
        }
        foreach (var (k, v) in desc.Memo) text.Append(k).Append('=').Append(Encoding.UTF8.GetString(v.Payload.ToByteArray())).Append('\n');
        Assert.True(text.Length > 1000, "the history was read");
        Assert.DoesNotContain(key, text.ToString());
        Assert.DoesNotContain(key.Substring(Math.Min(8, key.Length / 2)), text.ToString());
    }

    public void Dispose()
    {
        Fake.Dispose();
        Environment.SetEnvironmentVariable(KeyVariable, null);
    }
}
