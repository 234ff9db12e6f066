using System.CommandLine;
using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.Output;

namespace Kubiya.Cli.Commands;

/// <summary><c>kubiya agent list|get</c>: the built-ins, ~/.kubiya/agents and ./.kubiya/agents.</summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var agent = new Command("agent", "The agents and teams available here: built-ins, ~/.kubiya/agents and ./.kubiya/agents.");
        var cwd = () => new Option<string?>("--cwd") { Description = "Look up project agents from this folder (default: the current folder)." };

        var list = new Command("list", "List agents and teams; files that cannot be read are reported on stderr.");
        var listCwd = cwd();
        list.Add(listCwd);
        list.SetAction(ctx =>
        {
            var catalog = ctx.Runtime.Agents(Folder(ctx, listCwd));
            foreach (var error in catalog.Errors) ctx.Output.Warning($"{error.Message} [{error.ErrorId}]");
            foreach (var warning in catalog.Warnings) ctx.Output.Warning(warning);
            ctx.Output.Result(catalog.Agents.Select(AgentView.From).ToList(), w => AgentView.WriteTable(w, catalog.Agents));
            return Task.FromResult(ExitCodes.Ok);
        });

        var get = new Command("get", "Show one agent or team with its steps.");
        var name = new Argument<string>("name") { Description = "Agent or team name." };
        var getCwd = cwd();
        get.Add(name);
        get.Add(getCwd);
        get.SetAction(ctx =>
        {
            var a = ctx.Runtime.Agents(Folder(ctx, getCwd)).Get(ctx.Get(name)!);
            ctx.Output.Result(AgentView.From(a), w => AgentView.WriteText(w, a));
            return Task.FromResult(ExitCodes.Ok);
        });

        agent.Add(list);
        agent.Add(get);
        return agent;
    }

    private static string Folder(CommandContext ctx, Option<string?> cwd) =>
        ctx.Get(cwd) is { } given ? Path.GetFullPath(given, ctx.CurrentDirectory) : ctx.CurrentDirectory;
}
