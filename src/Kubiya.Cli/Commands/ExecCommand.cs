using System.CommandLine;
using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.Output;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.Core.Logs;
using Kubiya.Core.Pipelines;

namespace Kubiya.Cli.Commands;

/// <summary>
/// <c>kubiya exec "PROMPT"</c> (planned), <c>--plan-file SOURCE</c>, <c>--agent NAME | --team NAME</c> and the direct forms
/// <c>kubiya exec agent NAME "PROMPT"</c> / <c>kubiya exec team NAME "PROMPT"</c>.
/// </summary>
internal static class ExecCommand
{
    public static Command Create()
    {
        var exec = new Command("exec", "Run a task with an agent or a team as a durable execution; output streams live and the exit code tells the result (0 completed, 1 failed or cancelled).");
        var prompt = new Argument<string?>("prompt") { Description = "The task (for the shell and powershell agents: the command itself). Without --agent/--team it is planned first.", Arity = ArgumentArity.ZeroOrOne };
        var planFile = new Option<string?>("--plan-file") { Description = "Run a plan: a saved plan id, a path, an https URL or owner/repo/path[@ref] on GitHub." };
        var savePlan = new Option<string?>("--save-plan") { Description = "Also write the plan to this file." };
        var agent = new Option<string?>("--agent") { Description = "Agent to run." };
        var team = new Option<string?>("--team") { Description = "Team to run." };
        var options = new ExecOptions();
        exec.Add(prompt);
        exec.Add(agent);
        exec.Add(team);
        exec.Add(planFile);
        exec.Add(savePlan);
        options.AddTo(exec);
        exec.SetAction(ctx => RunAsync(ctx, options, ctx.Get(prompt), ctx.Get(agent), ctx.Get(team), ctx.Get(planFile), ctx.Get(savePlan)));
        exec.Add(Direct("agent", "Run PROMPT with the agent NAME.", isTeam: false));
        exec.Add(Direct("team", "Run PROMPT with the team NAME (each member's steps in order).", isTeam: true));
        return exec;
    }

    private static Command Direct(string kind, string description, bool isTeam)
    {
        var command = new Command(kind, description);
        var name = new Argument<string>("name") { Description = $"The {kind}'s name." };
        var prompt = new Argument<string>("prompt") { Description = "The task." };
        var options = new ExecOptions();
        command.Add(name);
        command.Add(prompt);
        options.AddTo(command);
        command.SetAction(ctx => RunAsync(ctx, options, ctx.Get(prompt)!, isTeam ? null : ctx.Get(name), isTeam ? ctx.Get(name) : null));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext ctx, ExecOptions options, string? prompt, string? agent, string? team,
        string? planFile = null, string? savePlan = null)
    {
        if (planFile != null && (prompt != null || agent != null || team != null))
            throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "PlanFileWithPrompt", "--plan-file runs the plan's own prompt and agent; give no prompt, --agent or --team with it.", planFile);
        if (planFile == null && string.IsNullOrWhiteSpace(prompt))
            throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "PromptRequired", "Give the task as PROMPT (or run a plan with --plan-file).", null);
        var request = options.Request(ctx.Parse, prompt ?? "", agent, team, ctx.CurrentDirectory);
        var interactive = !ctx.Parse.GetValue(options.NonInteractive) && !ctx.Runtime.Settings.NonInteractive;
        var prompter = new QuestionPrompter(ctx, interactive);
        var ci = CiReporter.Create(ctx.Parse.GetValue(options.CiMode));
        var observer = new ExecObserver
        {
            Submitted = e => ctx.Output.Err.WriteLine($"Execution {e.Id} submitted to queue {e.Queue}"),
            Log = e =>
            {
                if (ci != null) LiveLog.Annotate(ctx.Output, ci.Before(e));
                LiveLog.Write(ctx.Output, e);
                if (ci != null) LiveLog.Annotate(ctx.Output, ci.After(e));
            },
            Warning = ctx.Output.Warning,
            Answer = prompter.AnswerAsync,
        };
        int Finish(ExecutionInfo info)
        {
            if (ci != null) LiveLog.Annotate(ctx.Output, ci.Finished(info));
            ctx.Output.Result(ExecutionView.From(info), w =>
            {
                if (request.NoWait) w.WriteLine(info.Id);
                else ctx.Output.Err.WriteLine(ExecutionView.Summary(info));
            });
            if (!request.NoWait && info.Status == ExecutionStatus.WaitingForInput)
            {
                ctx.Output.Error($"execution {info.Id} waits for an answer ('{info.Question}') that nobody gave here; it stays WaitingForInput. Answer with: kubiya execution input {info.Id} yes", "ApprovalRequired");
                return ExitCodes.NeedsApproval;
            }
            return request.NoWait ? ExitCodes.Ok : ExitCodes.For(info);
        }
        // Neither --agent nor --team: plan, show, approve, run.
        if (planFile != null || (agent == null && team == null))
            return await PlannedExec.RunAsync(ctx, request, planFile, savePlan, interactive, observer, Finish);
        return Finish(await ctx.Runtime.Exec.RunAsync(request, request.WorkingDirectory ?? ctx.CurrentDirectory, observer, null, ctx.Cancellation));
    }
}
