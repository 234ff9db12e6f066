using Kubiya.Core.Agents.Llm.Loop;
using Kubiya.Core.Agents.Llm.Tools;
using Kubiya.Core.Configuration;
using Kubiya.Core.Workers;

namespace Kubiya.Core.Tests.Agents.Tools;

/// <summary>A worker's agent services run the real tools and stop the MCP servers they started.</summary>
[Trait("Category", "Agents")]
public sealed class WorkerToolServicesTests : IDisposable
{
    private readonly ToolWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public async Task AWorkersServicesRunBuiltInAndMcpToolsAndStopServersWithTheWorker()
    {
        var home = Path.Combine(ws.Outside, "home");
        var settings = SettingsLoader.Load(new KubiyaPaths(home), _ => null);
        var services = LlmWorkerServices.Create(settings, new WorkerHostOptions { Queue = "tools-test" }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var runner = Assert.IsType<ToolRunner>(services.Tools);
        Assert.Contains("OPENAI_API_KEY", runner.WithheldVariables);
        Assert.NotNull(services.ListMcpTools);

        ws.Write("hello.txt", "hello tools\n");
        var request = ws.Request(BuiltInTools.ReadFile, new { path = "hello.txt" });
        Assert.Equal("hello tools\n", (await services.Tools.RunAsync(request, (_, _) => { }, default)).Output);

        var server = new McpServerDefinition { Name = "t", Command = "dotnet", Args = { McpToolTests.ServerDll } };
        var specs = await services.ListMcpTools!(new McpToolsInput { Servers = { server }, WorkingDirectory = ws.Root }, default);
        Assert.Contains(specs, s => s.Name == "t__echo");
        var call = ws.Request("t__pid", new { });
        call.McpServers.Add(server);
        var pid = int.Parse((await services.Tools.RunAsync(call, (_, _) => { }, default)).Output);
        Assert.True(ToolWorkspace.IsAlive(pid));

        services.Dispose();
        Assert.True(await ToolWorkspace.WaitGoneAsync(pid, TimeSpan.FromSeconds(10)), $"MCP server {pid} outlived the worker's services");
    }

    [Fact]
    public void TheLoopsCatalogueIsTheBuiltInOne()
    {
        var specs = LlmToolCatalog.Specs(new[] { "read_file", "ask_user" });
        Assert.Equal(BuiltInTools.Spec("read_file").ParametersJsonSchema, specs[0].ParametersJsonSchema);
        Assert.Contains("\"question\"", specs[1].ParametersJsonSchema);
        Assert.True(LlmToolCatalog.IsReadOnly("git", new ToolPolicy()));
        Assert.Equal(BuiltInTools.Names, LlmToolCatalog.Names);
    }
}
