using System.Text.Json;
using Kubiya.Core.Agents.Llm.Tools;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Tests.Agents.Tools;

/// <summary>The built-in tool catalogue: specs, classification, unknown names.</summary>
[Trait("Category", "Agents")]
public sealed class BuiltInToolsTests
{
    [Fact]
    public void EveryBuiltInToolHasADescriptionAndAStrictObjectSchema()
    {
        Assert.Equal(11, BuiltInTools.Names.Count);
        foreach (var name in BuiltInTools.Names)
        {
            var spec = BuiltInTools.Spec(name);
            Assert.Equal(name, spec.Name);
            Assert.True(spec.Description.Length > 30, name);
            using var schema = JsonDocument.Parse(spec.ParametersJsonSchema);
            var root = schema.RootElement;
            Assert.Equal("object", root.GetProperty("type").GetString());
            Assert.False(root.GetProperty("additionalProperties").GetBoolean());
            var properties = root.GetProperty("properties");
            foreach (var required in root.GetProperty("required").EnumerateArray())
                Assert.True(properties.TryGetProperty(required.GetString()!, out _), $"{name}: required '{required}' has no property");
            foreach (var p in properties.EnumerateObject())
            {
                Assert.True(p.Value.TryGetProperty("type", out _), $"{name}.{p.Name} has no type");
                Assert.False(string.IsNullOrWhiteSpace(p.Value.GetProperty("description").GetString()), $"{name}.{p.Name}");
            }
        }
        Assert.Equal(new[] { "path", "oldText", "newText" }, JsonDocument.Parse(BuiltInTools.Spec("edit_file").ParametersJsonSchema)
            .RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void ClassificationDrivesRetriesAndTheWorkflow()
    {
        foreach (var name in new[] { "read_file", "list_files", "search_files", "http_get" }) Assert.True(BuiltInTools.IsReadOnly(name), name);
        foreach (var name in new[] { "shell", "powershell", "write_file", "edit_file", "git", "ask_user" }) Assert.False(BuiltInTools.IsReadOnly(name), name);
        Assert.True(BuiltInTools.IsWorkflowTool("ask_user"));
        Assert.True(BuiltInTools.IsWorkflowTool("checkpoint"));
        Assert.False(BuiltInTools.IsWorkflowTool("shell"));

        var policy = new ToolPolicy { Idempotent = { "write_file" } };
        var servers = new[] { new McpServerDefinition { Name = "docs", ReadOnly = true }, new McpServerDefinition { Name = "deploy" } };
        Assert.True(BuiltInTools.IsRetrySafe("write_file", "{}", policy, servers));
        Assert.False(BuiltInTools.IsRetrySafe("shell", "{}", policy, servers));
        Assert.True(BuiltInTools.IsRetrySafe("docs__search", "{}", policy, servers));
        Assert.False(BuiltInTools.IsRetrySafe("deploy__run", "{}", policy, servers));
        // git can only read while writes are off, whatever the subcommand asked.
        Assert.True(BuiltInTools.IsReadOnly("git", new ToolPolicy()));
        Assert.False(BuiltInTools.IsReadOnly("git", new ToolPolicy { GitWrite = true }));
        Assert.True(BuiltInTools.IsRetrySafe("git", "{\"subcommand\":\"log\"}", new ToolPolicy { GitWrite = true }));
        Assert.False(BuiltInTools.IsRetrySafe("git", "{\"subcommand\":\"push\"}", new ToolPolicy { GitWrite = true }));
    }

    [Fact]
    public void AnUnknownToolNameListsTheKnownOnes()
    {
        Assert.True(BuiltInTools.IsKnown("read_file"));
        Assert.False(BuiltInTools.IsKnown("Read_File"));
        var ex = Assert.Throws<KubiyaException>(() => BuiltInTools.Spec("run_python"));
        Assert.Equal("UnknownTool", ex.ErrorId);
        Assert.Equal("Unknown tool 'run_python'. Built-in tools are: shell, powershell, read_file, write_file, edit_file, list_files, search_files, git, http_get, ask_user, checkpoint.", ex.Message);
        Assert.Null(BuiltInTools.UnknownToolMessage("git"));
    }

    [Fact]
    public async Task TheRunnerRefusesWorkflowToolsUnknownToolsAndBadArguments()
    {
        using var ws = new ToolWorkspace();
        var ask = await ws.RunAsync("ask_user", new { question = "?" });
        Assert.True(ask.IsError);
        Assert.Contains("answered by the agent's workflow", ask.Output);
        var unknown = await ws.RunAsync("run_python", new { });
        Assert.True(unknown.IsError);
        Assert.StartsWith("Unknown tool 'run_python'", unknown.Output);

        var request = ws.Request("read_file", new { });
        request.ArgumentsJson = "[1,2]";
        var notObject = await ws.Runner.RunAsync(request, (_, _) => { }, default);
        Assert.Equal("read_file: arguments must be a JSON object", notObject.Output);
        request.ArgumentsJson = "{\"path\": 5}";
        Assert.Equal("read_file: the argument 'path' must be a string", (await ws.Runner.RunAsync(request, (_, _) => { }, default)).Output);

        request.WorkingDirectory = Path.Combine(ws.Root, "missing");
        request.ArgumentsJson = "{\"path\":\"a\"}";
        var noDir = await ws.Runner.RunAsync(request, (_, _) => { }, default);
        Assert.True(noDir.IsError);
        Assert.Contains("does not exist on this worker", noDir.Output);
    }

    [Fact]
    public void BoundedOutputKeepsHeadAndTailWithinTheBudget()
    {
        var text = string.Concat(Enumerable.Range(0, 3000).Select(i => $"é{i}\n"));
        var bounded = BoundedOutput.Bound(text, 1024, out var truncated);
        Assert.True(truncated);
        Assert.StartsWith("é0\né1\n", bounded);
        Assert.EndsWith("é2999\n", bounded);
        var note = System.Text.RegularExpressions.Regex.Match(bounded, @"\[\.\.\. (\d+) bytes truncated \.\.\.\]");
        Assert.True(note.Success);
        var kept = System.Text.Encoding.UTF8.GetByteCount(bounded.Replace(note.Value + "\n", ""));
        // The note may add one line break when the head ends mid-line.
        Assert.InRange(kept + long.Parse(note.Groups[1].Value) - System.Text.Encoding.UTF8.GetByteCount(text), 0, 1);
        Assert.InRange(kept, 900, 1024 + 1);

        Assert.Equal("short", BoundedOutput.Bound("short", 1024, out var cut));
        Assert.False(cut);
    }
}
