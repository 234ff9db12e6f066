using System.CommandLine;
using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.Output;
using Kubiya.Core.Errors;
using Kubiya.Core.Planning;

namespace Kubiya.Cli.Commands;

/// <summary>
/// <c>kubiya plan "PROMPT"</c> (plans without running and saves the plan), <c>kubiya plan list</c>
/// and <c>kubiya plan show SOURCE</c> (a plan id, path, https URL or owner/repo/path[@ref]).
/// </summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var plan = new Command("plan", "Plan a task without running it: pick the agent, queue and steps, estimate, list risks, and save the plan to ~/.kubiya/plans. Run it with: kubiya exec --plan-file PLAN-ID.");
        var prompt = new Argument<string>("prompt") { Description = "The task." };
        var options = new PlanOptions();
        plan.Add(prompt);
        options.AddTo(plan);
        plan.SetAction(async ctx =>
        {
            var cwd = options.Folder(ctx);
            var flow = PlannedExec.Flow(ctx, cwd, ctx.Get(options.Model));
            var made = await flow.PlanAsync(options.Request(ctx, ctx.Get(prompt)!), options.SavePath(ctx), ctx.Output.Warning, ctx.Cancellation);
            PlanView.Write(ctx.Output, made);
            if (!ctx.Output.IsStructured) ctx.Output.Err.WriteLine($"Saved {flow.Store.PathOf(made.PlanId)}; run it with: kubiya exec --plan-file {made.PlanId}");
            return ExitCodes.Ok;
        });

        var list = new Command("list", "List saved plans, newest first; unreadable files are reported on stderr.");
        list.SetAction(ctx =>
        {
            var store = new PlanStore(ctx.Runtime.Settings.Paths);
            var plans = store.List(e => ctx.Output.Warning($"{e.Message} [{e.ErrorId}]"));
            if (ctx.Output.Format == OutputFormat.Json)
            {
                ctx.Output.Out.WriteLine("[" + string.Join(",", plans.Select(PlanJson.Write)) + "]");
                ctx.Output.Out.Flush();
            }
            else
            {
                ctx.Output.Result(plans, w => PlanView.WriteTable(w, plans));
            }
            return Task.FromResult(ExitCodes.Ok);
        });

        var show = new Command("show", "Show one plan: a saved plan id, a path, an https URL or owner/repo/path[@ref] on GitHub.");
        var source = new Argument<string>("source") { Description = "Plan id, path, https URL or owner/repo/path[@ref]." };
        show.Add(source);
        show.SetAction(async ctx =>
        {
            var loaded = await PlannedExec.Flow(ctx, ctx.CurrentDirectory, null).LoadAsync(ctx.Get(source)!, ctx.Cancellation);
            PlanView.Write(ctx.Output, loaded);
            return ExitCodes.Ok;
        });

        plan.Add(list);
        plan.Add(show);
        return plan;
    }
}

/// <summary>The placement options of <c>kubiya plan</c>.</summary>
internal sealed class PlanOptions
{
    public Option<bool> Local { get; } = new("--local") { Description = "Plan to run on an ephemeral worker in the calling process." };
    public Option<string?> Queue { get; } = new("--queue") { Description = "Plan to run on this queue (default: one with live workers, else local)." };
    public Option<string?> Cwd { get; } = new("--cwd") { Description = "Folder where project agents are found (default: the current folder)." };
    public Option<string?> Environment { get; } = new("--environment") { Description = "Environment name recorded on the execution." };
    public Option<string?> Model { get; } = new("--model") { Description = "Model that plans (default KUBIYA_MODEL; none: the offline ranker)." };
    public Option<string?> SavePlan { get; } = new("--save-plan") { Description = "Also write the plan to this file." };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Local, Queue, Cwd, Environment, Model, SavePlan }) command.Add(o);
    }

    public string Folder(CommandContext ctx)
    {
        if (ctx.Get(Cwd) is not { } given) return ctx.CurrentDirectory;
        var cwd = Path.GetFullPath(given, ctx.CurrentDirectory);
        if (!Directory.Exists(cwd))
            throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "WorkingDirectoryNotFound", $"Working directory '{cwd}' does not exist.", cwd);
        return cwd;
    }

    public string? SavePath(CommandContext ctx) => ctx.Get(SavePlan) is { } p ? Path.GetFullPath(p, ctx.CurrentDirectory) : null;

    public PlanningRequest Request(CommandContext ctx, string prompt) => new()
    {
        Prompt = prompt,
        Local = ctx.Get(Local),
        Queue = ctx.Get(Queue),
        Environment = ctx.Get(Environment),
        Model = ctx.Get(Model),
    };
}
