using System.Management.Automation;
using Kubiya.Tests.Infrastructure;
using Kubiya.Tests.PowerShell;

namespace Kubiya.Tests.Agents;

/// <summary><c>kind: llm</c> agent files through Get-KubiyaAgent and Invoke-KubiyaExec: fields, defaults, and errors with positions.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Agents")]
public sealed class LlmAgentYamlTests(ModuleFixture fx)
{
    [Fact]
    public void GetKubiyaAgentShowsAnLlmAgentWithModelToolsAndDefaults()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "helper", """
            name: helper
            kind: llm
            description: Reads and fixes files
            model: fast
            instructions: You fix files.
            tools: [read_file, edit_file, shell]
            policy:
              shell: { allow: ["echo *"], deny: ["rm *"] }
            approve: [shell]
            maxCostUsd: 0.5
            """);
        var r = s.Run("Get-KubiyaAgent -Name helper").Ok();
        Assert.Equal("llm", r.Prop<string>("Kind"));
        Assert.Equal("fast", r.Prop<string>("Model"));
        Assert.Equal("You fix files.", r.Prop<string>("Instructions"));
        Assert.Equal(new[] { "read_file", "edit_file", "shell" }, ((System.Collections.IEnumerable)r.Single().Properties["Tools"].Value).Cast<object>().Select(x => x.ToString()));
        Assert.Equal(20, r.Prop<int>("MaxTurns"));
        Assert.Equal(0.5, r.Prop<double>("MaxCostUsd"));
        var policy = s.Run("$p = (Get-KubiyaAgent -Name helper).Policy; $p.Allow -join ','; $p.Deny -join ','; $p.Approve -join ','").Ok();
        Assert.Equal(new[] { "echo *", "rm *", "shell" }, policy.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void UnknownToolIsAnErrorWithItsPositionAndTheKnownTools()
    {
        using var s = fx.NewSession();
        var path = TestAgents.WriteProjectAgent(s.WorkingDirectory, "typo", """
            name: typo
            kind: llm
            model: fast
            tools:
              - read_file
              - reed_file
            """);
        var r = s.Run("Get-KubiyaAgent");
        var err = Assert.Single(r.Errors);
        Assert.StartsWith("InvalidAgentDefinition,", err.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ParserError, err.CategoryInfo.Category);
        Assert.StartsWith($"{path}:6:5: tools[1]: unknown tool 'reed_file'; known tools: ", err.Exception.Message);
        Assert.Contains("read_file", err.Exception.Message.Split("known tools: ")[1]);
        Assert.Contains("ask_user", err.Exception.Message);
    }

    [Fact]
    public void EveryProblemOfAFileIsReportedAtOnce()
    {
        using var s = fx.NewSession();
        var path = TestAgents.WriteProjectAgent(s.WorkingDirectory, "many", """
            name: many
            kind: llm
            model: fast
            tools: [shell, nope]
            maxTurns: lots
            temprature: 0.3
            approve: [write_file]
            """);
        var r = s.Run("Get-KubiyaAgent -Name many");
        var message = Assert.Single(r.Errors.Where(e => e.FullyQualifiedErrorId.StartsWith("InvalidAgentDefinition,"))).Exception.Message;
        var lines = message.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains(lines, l => l.StartsWith($"{path}:4:16: tools[1]: unknown tool 'nope'"));
        Assert.Contains(lines, l => l.StartsWith($"{path}:5:11: maxTurns: 'lots' is not a whole number"));
        Assert.Contains(lines, l => l.StartsWith($"{path}:6:1: temprature: unknown field for an llm agent"));
        Assert.Contains(lines, l => l.StartsWith($"{path}:7:11: approve[0]: 'write_file' is not one of this agent's tools"));
        Assert.Equal(4, lines.Count);
    }

    [Fact]
    public void InstructionsFileIsReadRelativeToTheAgentFile()
    {
        using var s = fx.NewSession();
        var dir = Path.Combine(s.WorkingDirectory, ".kubiya", "agents", "prompts");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "reviewer.md"), "Review the change carefully.");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "reviewer", "name: reviewer\nkind: llm\nmodel: fast\ninstructionsFile: prompts/reviewer.md\ntools: [read_file]\n");
        Assert.Equal("Review the change carefully.", s.Run("(Get-KubiyaAgent -Name reviewer).Instructions").Ok().Single().ToString());

        var missing = TestAgents.WriteProjectAgent(s.WorkingDirectory, "lost", "name: lost\nkind: llm\nmodel: fast\ninstructionsFile: prompts/none.md\n");
        var err = Assert.Single(s.Run("Get-KubiyaAgent -Name lost").Errors.Where(e => e.FullyQualifiedErrorId.StartsWith("InvalidAgentDefinition,")));
        Assert.StartsWith($"{missing}:4:19: instructionsFile: 'prompts/none.md' does not exist", err.Exception.Message);
    }

    [Fact]
    public void McpServersAndPolicySectionsAreValidated()
    {
        using var s = fx.NewSession();
        var path = TestAgents.WriteProjectAgent(s.WorkingDirectory, "mcpbad", """
            name: mcpbad
            kind: llm
            model: fast
            mcp:
              - name: docs
            policy:
              shell: [rm]
            """);
        var message = Assert.Single(s.Run("Get-KubiyaAgent -Name mcpbad").Errors.Where(e => e.FullyQualifiedErrorId.StartsWith("InvalidAgentDefinition,"))).Exception.Message;
        Assert.Contains($"{path}:5:5: mcp[0].command: is required", message);
        Assert.Contains($"{path}:7:10: policy.shell: must be a mapping with 'allow' and/or 'deny' lists", message);
    }

    [Fact]
    public void AnLlmAgentWithoutAnyModelFailsWithModelRequired()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "nomodel", "name: nomodel\nkind: llm\ntools: [read_file]\n");
        var r = s.Run("$env:KUBIYA_MODEL = $null; Invoke-KubiyaExec -Agent nomodel 'hello' -Local");
        var err = Assert.Single(r.Errors);
        Assert.StartsWith("ModelRequired,", err.FullyQualifiedErrorId);
        Assert.Contains("-Model", err.Exception.Message);
        Assert.Empty(r.Output);
        // The shipped help says so (it once said such an agent took the list's first model).
        var topic = string.Join(" ", File.ReadAllLines(Path.Combine(RepoPaths.ModuleDir, "en-US", "about_Kubiya_Models.help.txt")).Select(l => l.Trim()));
        Assert.Contains("An agent without a model runs only with one of them given; otherwise it is refused before it is submitted, with the error id ModelRequired.", topic);
        Assert.DoesNotContain("first model of the list", topic);
    }
}
