using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.Output;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.Core.Planning;

namespace Kubiya.Cli.Commands;

/// <summary>
/// <c>kubiya exec "PROMPT"</c> without --agent/--team, and <c>kubiya exec --plan-file SOURCE</c>:
/// plan (or load), show the plan, ask on a terminal (or take --yes), run, record the run in the
/// saved plan. Without a terminal and without --yes it prints the plan and exits 4.
/// </summary>
internal static class PlannedExec
{
    /// <summary>The planning flow of a command.</summary>
    public static PlanFlow Flow(CommandContext ctx, string lookupDirectory, string? model) =>
        new(ctx.Runtime, lookupDirectory, PlanningModels.GatewayFor(ctx.Runtime.Settings, model, null));

    /// <summary>Plans or loads, approves and runs; returns the exit code.</summary>
    public static async Task<int> RunAsync(CommandContext ctx, ExecutionRequest request, string? planFile, string? savePlan,
        bool interactive, ExecObserver observer, Func<ExecutionInfo, int> finish)
    {
        var lookup = request.WorkingDirectory ?? ctx.CurrentDirectory;
        var flow = Flow(ctx, lookup, request.Model);
        var savePath = savePlan != null ? Path.GetFullPath(savePlan, ctx.CurrentDirectory) : null;
        KubiyaPlan plan;
        if (planFile != null)
        {
            plan = await flow.LoadAsync(planFile, ctx.Cancellation);
        }
        else
        {
            plan = await flow.PlanAsync(new PlanningRequest
            {
                Prompt = request.Prompt,
                Local = request.Local,
                Queue = request.Queue,
                Environment = request.Environment,
                Model = request.Model,
            }, savePath, ctx.Output.Warning, ctx.Cancellation);
        }
        var terminal = interactive && !Console.IsInputRedirected;
        if (planFile == null && plan.CloseCandidates && terminal && !request.AutoApprove)
            plan = await ChooseAsync(ctx, flow, plan, request, savePath);

        var check = flow.Check(plan);
        if (check.NeedsApproval)
        {
            if (request.AutoApprove)
            {
                ShowText(ctx, plan);
            }
            else if (terminal)
            {
                ShowText(ctx, plan);
                foreach (var reason in check.Reasons.Where(r => !r.StartsWith("the plan has not", StringComparison.Ordinal))) ctx.Output.Warning(reason);
                if (!await AskAsync(ctx, "Run this plan? [y/N]: "))
                {
                    ctx.Output.Error($"plan {plan.PlanId} not approved; nothing ran", "PlanDeclined");
                    return ExitCodes.Failed;
                }
            }
            else
            {
                PlanView.Write(ctx.Output, plan);
                var refused = check.ApprovalRequired(plan);
                ctx.Output.Error($"{refused.Message} Non-interactive: nothing ran. Approve with: kubiya exec --plan-file {plan.PlanId} --yes", refused.ErrorId);
                return ExitCodes.NeedsApproval;
            }
            flow.Approve(plan, check, savePath);
        }
        else
        {
            ShowText(ctx, plan);
        }
        var info = await flow.RunAsync(plan, request, savePath, observer, null, ctx.Cancellation);
        return finish(info);
    }

    private static void ShowText(CommandContext ctx, KubiyaPlan plan)
    {
        // The plan is context for the run: with json/yaml output it goes to stderr so stdout stays one document.
        PlanView.WriteText(ctx.Output.Live, plan);
        ctx.Output.Live.Flush();
    }

    private static async Task<KubiyaPlan> ChooseAsync(CommandContext ctx, PlanFlow flow, KubiyaPlan plan, ExecutionRequest request, string? savePath)
    {
        var choices = new[] { plan.Recommended.Name }.Concat(plan.Alternatives.Select(a => a.Name)).ToList();
        ctx.Output.Err.WriteLine($"Close candidates for \"{plan.Prompt}\":");
        for (var i = 0; i < choices.Count; i++)
            ctx.Output.Err.WriteLine($"  {i + 1}. {choices[i]}" + (i == 0 ? $" ({plan.Recommended.Reasoning})" : $" ({plan.Alternatives[i - 1].Reasoning})"));
        ctx.Output.Err.Write($"Choose 1-{choices.Count} [1]: ");
        ctx.Output.Err.Flush();
        var answer = (await Console.In.ReadLineAsync(ctx.Cancellation))?.Trim();
        if (string.IsNullOrEmpty(answer) || answer == "1") return plan;
        if (!int.TryParse(answer, out var n) || n < 1 || n > choices.Count)
            throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidChoice", $"'{answer}' is not one of 1-{choices.Count}.", answer);
        var chosen = await flow.Planner().ChooseAsync(plan, choices[n - 1], new PlanningRequest { Local = plan.Queue.Local, Queue = plan.Queue.Name, Environment = request.Environment }, ctx.Cancellation);
        flow.Store.Save(chosen, savePath);
        return chosen;
    }

    private static async Task<bool> AskAsync(CommandContext ctx, string question)
    {
        ctx.Output.Err.Write(question);
        ctx.Output.Err.Flush();
        var answer = (await Console.In.ReadLineAsync(ctx.Cancellation))?.Trim().ToLowerInvariant();
        return answer is "y" or "yes";
    }
}
