using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// A real MCP server over stdio for the tool tests: the agent's MCP client starts it as a process,
// lists its tools and calls them through the protocol. Stdout carries the protocol only.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddMcpServer().WithStdioServerTransport().WithTools<TestTools>();
await builder.Build().RunAsync();

/// <summary>The tools this server offers.</summary>
[McpServerToolType]
public sealed class TestTools
{
    [McpServerTool(Name = "echo"), Description("Returns the message unchanged.")]
    public static string Echo([Description("Text to return.")] string message) => message;

    [McpServerTool(Name = "add"), Description("Adds two whole numbers.")]
    public static long Add([Description("First number.")] long a, [Description("Second number.")] long b) => a + b;

    [McpServerTool(Name = "fail"), Description("Always fails with the given reason.")]
    public static CallToolResult Fail([Description("Why it fails.")] string reason) =>
        new() { IsError = true, Content = [new TextContentBlock { Text = "failed: " + reason }] };

    [McpServerTool(Name = "env"), Description("Returns an environment variable of the server process.")]
    public static string Env([Description("Variable name.")] string name) => Environment.GetEnvironmentVariable(name) ?? "(unset)";

    [McpServerTool(Name = "pid"), Description("Returns the server's process id.")]
    public static int Pid() => Environment.ProcessId;

    [McpServerTool(Name = "sleep"), Description("Waits, then answers.")]
    public static async Task<string> Sleep([Description("Seconds to wait.")] double seconds, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
        return "slept";
    }
}
