using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;

namespace Kubiya.Core.Tests.Executions;

/// <summary>What -WhatIf shows for a direct-mode exec: the agent, its steps (or model and tools), the queue.</summary>
[Trait("Category", "Executions")]
public sealed class ExecPreviewTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("kubiya-home-").FullName;
    private readonly string project = Directory.CreateTempSubdirectory("kubiya-project-").FullName;

    public void Dispose()
    {
        foreach (var d in new[] { home, project }) try { Directory.Delete(d, true); } catch (IOException) { }
    }

    private void Agent(string name, string yaml)
    {
        var dir = Path.Combine(project, ".kubiya", "agents");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".yaml"), yaml);
    }

    private KubiyaSettings Settings() => SettingsLoader.Load(new KubiyaPaths(home), _ => null);

    [Fact]
    public void ARunbookPreviewListsEveryStepAndTheQueue()
    {
        Agent("ci", "name: ci\nsteps:\n  - name: restore\n    shell: dotnet restore\n  - name: ok?\n    approval: Ship it?\n  - name: tests\n    shell: |\n      dotnet test\n      echo done\n    retries: 2\n");
        var request = new ExecutionRequest { Prompt = "go", Agent = "ci" };
        var preview = new ExecPreview { Target = DirectTarget.Resolve(Settings(), request, project, null), Queue = "build", Pollers = 0, Prompt = "go" };
        var lines = preview.Lines();
        Assert.Equal("Run agent 'ci' (runbook) on queue 'build' (no worker polls it now: it would stay Pending).", lines[0]);
        Assert.Equal("Prompt: go", lines[1]);
        Assert.Equal("Steps (3):", lines[2]);
        Assert.Equal("  1. restore (shell): dotnet restore", lines[3]);
        Assert.Equal("  2. ok? (approval): Ship it? - asks before going on", lines[4]);
        Assert.Equal("  3. tests (shell): dotnet test ... [retries 2]", lines[5]);
        Assert.Equal(6, lines.Count);
    }

    [Fact]
    public void TheBuiltInShellAgentRunsThePromptOnALocalWorker()
    {
        var request = new ExecutionRequest { Prompt = "echo hi", Agent = "shell", AutoApprove = true };
        var preview = new ExecPreview { Target = DirectTarget.Resolve(Settings(), request, project, null), Prompt = "echo hi", AutoApprove = true };
        Assert.Equal(new[] { "Run agent 'shell' (builtin) on an ephemeral worker in this session (-Local).", "Prompt: echo hi", "Steps (1):", "  1. shell (shell): echo hi" }, preview.Lines());
    }

    [Fact]
    public void AnLlmAgentShowsItsModelAndTools()
    {
        Agent("helper", "name: helper\nkind: llm\nmodel: local-model\ninstructions: help\ntools: [read_file, shell]\napprove: [shell]\nmaxTurns: 7\n");
        var request = new ExecutionRequest { Prompt = "look", Agent = "helper" };
        var preview = new ExecPreview { Target = DirectTarget.Resolve(Settings(), request, project, null), Queue = "q", Pollers = 2, Prompt = "look" };
        var lines = preview.Lines();
        Assert.Equal("Run agent 'helper' (llm) on queue 'q' (2 worker(s) polling).", lines[0]);
        Assert.Equal("Model: local-model, at most 7 turn(s).", lines[2]);
        Assert.Equal("Tools: read_file, shell (asking before: shell)", lines[3]);
    }

    [Fact]
    public void AMissingAgentIsTheRunsOwnError()
    {
        var ex = Assert.Throws<KubiyaException>(() => DirectTarget.Resolve(Settings(), new ExecutionRequest { Prompt = "x", Agent = "ghost" }, project, null));
        Assert.Equal("AgentNotFound", ex.ErrorId);
    }
}
