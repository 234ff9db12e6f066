using System.Globalization;
using Kubiya.Tests.PowerShell;

namespace Kubiya.Tests.Agents;

/// <summary>
/// The key agent scenarios against a real OpenAI-compatible provider, when one is configured with
/// <c>KUBIYA_TEST_OPENAI_BASE_URL</c> and <c>KUBIYA_TEST_OPENAI_API_KEY</c> (and optionally
/// <c>KUBIYA_TEST_OPENAI_MODEL</c>, default gpt-4o-mini). Without them every test reports Skipped.
/// The model's wording varies, so the assertions are on effects: files, commands, totals, history.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Agents")]
public sealed class RealProviderTests(ModuleFixture fx)
{
    private const string BaseUrlVariable = "KUBIYA_TEST_OPENAI_BASE_URL";
    private const string KeyVariable = "KUBIYA_TEST_OPENAI_API_KEY";
    private const string ModelVariable = "KUBIYA_TEST_OPENAI_MODEL";

    private static string? BaseUrl => Environment.GetEnvironmentVariable(BaseUrlVariable);
    private static string? Key => Environment.GetEnvironmentVariable(KeyVariable);

    private static void SkipUnlessConfigured() =>
        Skip.If(string.IsNullOrWhiteSpace(BaseUrl) || string.IsNullOrWhiteSpace(Key),
            $"No real provider: set {BaseUrlVariable} and {KeyVariable} (and optionally {ModelVariable}) to run this test against it.");

    /// <summary>A models.yaml naming the real provider as "real"; its key stays a reference to the environment.</summary>
    private static string ModelsFile(PsSession s)
    {
        var model = Environment.GetEnvironmentVariable(ModelVariable) is { Length: > 0 } m ? m : "gpt-4o-mini";
        var path = s.PathOf("real-models.yaml");
        File.WriteAllText(path, $"""
            model_list:
              - model_name: real
                litellm_params:
                  model: openai/{model}
                  api_base: {BaseUrl}
                  api_key: os.environ/{KeyVariable}
            """);
        return path;
    }

    private static void Agent(PsSession s, string name, string tools, string instructions) =>
        TestAgents.WriteProjectAgent(s.WorkingDirectory, name,
            $"name: {name}\nkind: llm\nmodel: real\nmaxTurns: 8\ntemperature: 0\ninstructions: {instructions}\ntools: [{tools}]\n");

    private static PsResult Run(PsSession s, string agent, string prompt) =>
        s.Run($"Invoke-KubiyaExec -Agent {agent} '{prompt.Replace("'", "''")}' -Local -ModelConfig '{ModelsFile(s)}' -ApproveTools", TimeSpan.FromSeconds(180));

    private static void AssertUsageCounted(PsResult r)
    {
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.True(r.Prop<int>("Turns") >= 1);
        Assert.True(r.Prop<long>("InputTokens") > 0, "prompt tokens were counted");
        Assert.True(r.Prop<long>("OutputTokens") > 0, "completion tokens were counted");
    }

    [SkippableFact]
    public async Task RealModelReadsAndEditsAFile()
    {
        SkipUnlessConfigured();
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        File.WriteAllText(s.PathOf("notes.txt"), "status: draft\n");
        Agent(s, "real-editor", "read_file, edit_file", "You edit files with your tools. Read a file before editing it. Answer briefly when done.");
        var r = Run(s, "real-editor", "In notes.txt, replace the word draft with the word final. Use read_file, then edit_file.").Ok();
        AssertUsageCounted(r);
        Assert.True(r.Prop<int>("ToolCalls") >= 2, "it read and edited the file");
        Assert.Equal("status: final\n", File.ReadAllText(s.PathOf("notes.txt")));
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"), Key);
    }

    [SkippableFact]
    public async Task RealModelRunsACommand()
    {
        SkipUnlessConfigured();
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        var marker = "REAL-" + Guid.NewGuid().ToString("N")[..8];
        Agent(s, "real-runner", "shell", "You run shell commands with the shell tool exactly as asked. Answer briefly when done.");
        var r = Run(s, "real-runner", $"Run exactly this command with the shell tool: echo {marker} > out.txt").Ok();
        AssertUsageCounted(r);
        Assert.True(r.Prop<int>("ToolCalls") >= 1);
        Assert.Equal(marker, File.ReadAllText(s.PathOf("out.txt")).Trim());
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"), Key);
    }

    [SkippableFact]
    public async Task RealModelFinishesWithAnAnswerAndItsUsageIsCounted()
    {
        SkipUnlessConfigured();
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        Agent(s, "real-talker", "list_files", "You answer questions briefly.");
        var r = Run(s, "real-talker", "Reply with the single word PONG and nothing else. Do not call any tool.").Ok();
        AssertUsageCounted(r);
        Assert.Contains("PONG", r.Prop<string>("Output").ToUpper(CultureInfo.InvariantCulture));
        var listed = s.Run($"Get-KubiyaExecution -Id {r.Prop<string>("Id")}").Ok();
        Assert.Equal(r.Prop<long>("InputTokens"), listed.Prop<long>("InputTokens"));
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"), Key);
    }

    [SkippableFact]
    public async Task RealCoordinatorDelegatesToARunbookMember()
    {
        SkipUnlessConfigured();
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        var marker = "MEMBER-" + Guid.NewGuid().ToString("N")[..8];
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "real-echoer",
            $"name: real-echoer\ndescription: prints a code word\nsteps:\n  - name: say\n    shell: echo {marker}\n");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "real-crew",
            "name: real-crew\nkind: team\nmode: coordinator\nmodel: real\nmaxTurns: 6\nagents: [real-echoer]\n");
        var r = s.Run($"Invoke-KubiyaExec -Team real-crew 'Ask real-echoer for its code word with the delegate tool, then reply with that code word.' -Local -ModelConfig '{ModelsFile(s)}'",
            TimeSpan.FromSeconds(180)).Ok();
        AssertUsageCounted(r);
        Assert.Contains(marker, r.Prop<string>("Output"));
        var children = s.Run($"$q = (Get-KubiyaExecution -Id '{r.Prop<string>("Id")}').Queue; Get-KubiyaExecution -Queue $q | Where-Object ParentExecutionId -eq '{r.Prop<string>("Id")}' | ForEach-Object Status").Ok().Output;
        Assert.NotEmpty(children);
        Assert.All(children, c => Assert.Equal("Completed", c.ToString()));
        await kit.AssertKeyAbsentAsync(r.Prop<string>("Id"), Key);
    }
}
