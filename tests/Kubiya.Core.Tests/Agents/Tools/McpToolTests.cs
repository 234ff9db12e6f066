using System.Text.Json;
using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Tests.Agents.Tools;

/// <summary>MCP tools through a real stdio MCP server process (tests/Kubiya.TestMcpServer).</summary>
[Trait("Category", "Agents")]
public sealed class McpToolTests : IDisposable
{
    private readonly ToolWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    internal static string ServerDll
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Kubiya.sln"))) dir = dir.Parent;
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var dll = Path.Combine(dir!.FullName, "tests", "Kubiya.TestMcpServer", "bin", configuration, "net10.0", "Kubiya.TestMcpServer.dll");
            Assert.True(File.Exists(dll), "test MCP server not built: " + dll);
            return dll;
        }
    }

    private static McpServerDefinition Server(string name = "test") =>
        new() { Name = name, Command = "dotnet", Args = new List<string> { ServerDll } };

    private ToolRequest Call(string tool, object args, McpServerDefinition server, double timeoutSeconds = 60)
    {
        var request = ws.Request(tool, args, timeoutSeconds);
        request.McpServers.Add(server);
        return request;
    }

    [Fact]
    public async Task ListToolsNamesThemServerTwoUnderscoresToolWithTheirSchemas()
    {
        var specs = await ws.Runner.McpTools.ListToolsAsync(new[] { Server("calc") }, CancellationToken.None);
        var names = specs.Select(s => s.Name).OrderBy(n => n).ToList();
        Assert.Equal(new[] { "calc__add", "calc__echo", "calc__env", "calc__fail", "calc__pid", "calc__sleep" }, names);
        var add = specs.Single(s => s.Name == "calc__add");
        Assert.Equal("Adds two whole numbers.", add.Description);
        using var schema = JsonDocument.Parse(add.ParametersJsonSchema);
        Assert.Equal("object", schema.RootElement.GetProperty("type").GetString());
        Assert.Equal("integer", schema.RootElement.GetProperty("properties").GetProperty("a").GetProperty("type").GetString());
        Assert.All(specs, s => Assert.True(BuiltInTools.IsMcpToolName(s.Name)));
    }

    [Fact]
    public async Task CallsReturnTheToolsTextAndReuseOneServerProcess()
    {
        var server = Server();
        var echo = await ws.Runner.RunAsync(Call("test__echo", new { message = "hello mcp" }, server), (_, _) => { }, default);
        Assert.False(echo.IsError, echo.Output);
        Assert.Equal("hello mcp", echo.Output);
        var add = await ws.Runner.RunAsync(Call("test__add", new { a = 2, b = 40 }, server), (_, _) => { }, default);
        Assert.Equal("42", add.Output);

        var pid1 = await ws.Runner.RunAsync(Call("test__pid", new { }, server), (_, _) => { }, default);
        var pid2 = await ws.Runner.RunAsync(Call("test__pid", new { }, server), (_, _) => { }, default);
        Assert.Equal(pid1.Output, pid2.Output);
        Assert.Equal(1, ws.Runner.McpTools.RunningServers);
    }

    [Fact]
    public async Task AToolErrorComesBackAsAnErrorResult()
    {
        var r = await ws.Runner.RunAsync(Call("test__fail", new { reason = "disk full" }, Server()), (_, _) => { }, default);
        Assert.True(r.IsError);
        Assert.Equal("failed: disk full", r.Output);

        var unknownTool = await ws.Runner.RunAsync(Call("test__nosuch", new { }, Server()), (_, _) => { }, default);
        Assert.True(unknownTool.IsError);
        Assert.Contains("nosuch", unknownTool.Output);

        var unknownServer = await ws.Runner.RunAsync(Call("other__echo", new { message = "x" }, Server()), (_, _) => { }, default);
        Assert.True(unknownServer.IsError);
        Assert.Equal("unknown tool 'other__echo': this agent has no MCP server 'other' (its servers: test)", unknownServer.Output);
    }

    [Fact]
    public async Task TheServersEnvironmentResolvesSecretReferences()
    {
        var variable = "KUBIYA_MCP_TEST_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(variable, "mcp-secret-value");
        try
        {
            var server = Server();
            server.Env["TOKEN"] = "${env:" + variable + "}";
            var r = await ws.Runner.RunAsync(Call("test__env", new { name = "TOKEN" }, server), (_, _) => { }, default);
            Assert.False(r.IsError, r.Output);
            // The server had the value (it came back exactly and was masked on the way to the model).
            Assert.Equal("***", r.Output);
            var plain = Server();
            plain.Env["MODE"] = "verbose";
            Assert.Equal("verbose", (await ws.Runner.RunAsync(Call("test__env", new { name = "MODE" }, plain), (_, _) => { }, default)).Output);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        var missing = Server();
        missing.Env["TOKEN"] = "${env:KUBIYA_MCP_TEST_NEVER_SET}";
        var error = await ws.Runner.RunAsync(Call("test__env", new { name = "TOKEN" }, missing), (_, _) => { }, default);
        Assert.True(error.IsError);
        Assert.Contains("KUBIYA_MCP_TEST_NEVER_SET", error.Output);
    }

    [Fact]
    public async Task TheWorkersCredentialsAreWithheldFromServers()
    {
        var variable = "KUBIYA_MCP_WITHHELD_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(variable, "worker-credential");
        try
        {
            ws.Runner.WithheldVariables.Add(variable);
            var r = await ws.Runner.RunAsync(Call("test__env", new { name = variable }, Server()), (_, _) => { }, default);
            Assert.Equal("(unset)", r.Output);
            Assert.Contains("OPENAI_API_KEY", ws.Runner.WithheldVariables);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task DisposingStopsTheServerProcess()
    {
        var source = new McpToolSource();
        var runner = new ToolRunner(source);
        var r = await runner.RunAsync(Call("test__pid", new { }, Server()), (_, _) => { }, default);
        var pid = int.Parse(r.Output);
        Assert.True(ToolWorkspace.IsAlive(pid));
        runner.Dispose();
        Assert.True(ToolWorkspace.IsAlive(pid), "a runner must not stop a source it was handed");
        await source.DisposeAsync();
        Assert.True(await ToolWorkspace.WaitGoneAsync(pid, TimeSpan.FromSeconds(10)), $"MCP server {pid} still runs");
    }

    [Fact]
    public async Task AnIdleServerIsStopped()
    {
        await using var source = new McpToolSource(idleTimeout: TimeSpan.FromSeconds(1));
        var runner = new ToolRunner(source);
        var r = await runner.RunAsync(Call("test__pid", new { }, Server()), (_, _) => { }, default);
        var pid = int.Parse(r.Output);
        Assert.True(await ToolWorkspace.WaitGoneAsync(pid, TimeSpan.FromSeconds(15)), $"idle MCP server {pid} still runs");
        Assert.Equal(0, source.RunningServers);
    }

    [Fact]
    public async Task ASlowToolTimesOutAndItsServerIsReplaced()
    {
        var server = Server();
        var pid = int.Parse((await ws.Runner.RunAsync(Call("test__pid", new { }, server), (_, _) => { }, default)).Output);
        var slow = await ws.Runner.RunAsync(Call("test__sleep", new { seconds = 60 }, server, timeoutSeconds: 1), (_, _) => { }, default);
        Assert.True(slow.IsError);
        Assert.Contains("did not answer within 1s", slow.Output);
        Assert.True(await ToolWorkspace.WaitGoneAsync(pid, TimeSpan.FromSeconds(10)), "the stuck server was not stopped");
        var again = await ws.Runner.RunAsync(Call("test__echo", new { message = "back" }, server), (_, _) => { }, default);
        Assert.Equal("back", again.Output);
    }

    [Fact]
    public async Task CancellingACallThrows()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ws.Runner.RunAsync(Call("test__sleep", new { seconds = 60 }, Server()), (_, _) => { }, cts.Token));
    }

    [Fact]
    public async Task AServerThatCannotStartIsAClearError()
    {
        var bad = new McpServerDefinition { Name = "broken", Command = "/nonexistent/kubiya-mcp-server" };
        var r = await ws.Runner.RunAsync(Call("broken__x", new { }, bad), (_, _) => { }, default);
        Assert.True(r.IsError);
        Assert.StartsWith("MCP server 'broken' could not be started (/nonexistent/kubiya-mcp-server)", r.Output);
        var list = await Assert.ThrowsAsync<ToolException>(() => ws.Runner.McpTools.ListToolsAsync(new[] { bad }, default));
        Assert.Contains("'broken' could not be started", list.Message);
        var invalid = await Assert.ThrowsAsync<ToolException>(() => ws.Runner.McpTools.ListToolsAsync(new[] { new McpServerDefinition { Name = "a__b", Command = "x" } }, default));
        Assert.Contains("not valid", invalid.Message);
    }

    [Fact]
    public async Task AServerThatDiesWhileStartingIsReportedWithWhatItWroteAndAMissingVariableWithTheServersName()
    {
        if (OperatingSystem.IsWindows()) return;
        // As node does for a missing script: a stack, the error line, a trailer.
        var dies = new McpServerDefinition
        {
            Name = "docs", Command = "sh",
            Args = { "-c", "echo 'node:internal/modules/cjs/loader:1228' >&2; echo \"Error: Cannot find module 'docs-server.js'\" >&2; echo 'Node.js v20' >&2; exit 1" },
        };
        var died = await Assert.ThrowsAsync<ToolException>(() => ws.Runner.McpTools.ListToolsAsync(new[] { dies }, default));
        Assert.StartsWith("MCP server 'docs' could not be started (sh): ", died.Message);
        Assert.EndsWith("it wrote: Error: Cannot find module 'docs-server.js'", died.Message);

        var unset = "KUBIYA_TEST_UNSET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var needsToken = new McpServerDefinition { Name = "tickets", Command = "sh", Args = { "-c", "exit 0" } };
        needsToken.Env["TOKEN"] = "${env:" + unset + "}";
        var missing = await Assert.ThrowsAsync<ToolException>(() => ws.Runner.McpTools.ListToolsAsync(new[] { needsToken }, default));
        Assert.StartsWith("MCP server 'tickets' could not be started: ", missing.Message);
        Assert.Contains(unset, missing.Message);
    }
}
