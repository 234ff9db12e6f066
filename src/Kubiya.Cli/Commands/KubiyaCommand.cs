using System.CommandLine;

namespace Kubiya.Cli.Commands;

/// <summary>The root `kubiya` command.</summary>
public static class KubiyaCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Kubiya: run agent and runbook tasks as durable executions on Temporal.");
        return await root.Parse(args).InvokeAsync();
    }
}
