using System.CommandLine;
using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.Output;
using Kubiya.Core.Executions;
using Kubiya.Core.Logs;

namespace Kubiya.Cli.Commands;

/// <summary>
/// <c>kubiya exec "PROMPT" --agent NAME | --team NAME</c> and the direct forms
/// <c>kubiya exec agent NAME "PROMPT"</c> / <c>kubiya exec team NAME "PROMPT"</c>.
/// </summary>
internal static class ExecCommand
{
    public static Command Create()
    {
        var exec = new Command("exec", "Run a task with an agent or a team as a durable execution; output streams live and the exit code tells the result (0 completed, 1 failed or cancelled).");
        var prompt = new Argument<string>("prompt") { Description = "The task (for the shell and powershell agents: the command itself)." };
        var agent = new Option<string?>("--agent") { Description = "Agent to run." };
        var team = new Option<string?>("--team") { Description = "Team to run." };
        var options = new ExecOptions();
        exec.Add(prompt);
        exec.Add(agent);
        exec.Add(team);
        options.AddTo(exec);
        exec.SetAction(ctx => RunAsync(ctx, options, ctx.Get(prompt)!, ctx.Get(agent), ctx.Get(team)));
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

    private static async Task<int> RunAsync(CommandContext ctx, ExecOptions options, string prompt, string? agent, string? team)
    {
        var request = options.Request(ctx.Parse, prompt, agent, team, ctx.CurrentDirectory);
        var interactive = !ctx.Parse.GetValue(options.NonInteractive) && !ctx.Runtime.Settings.NonInteractive;
        var prompter = new QuestionPrompter(ctx, interactive);
        var observer = new ExecObserver
        {
            Submitted = e => ctx.Output.Err.WriteLine($"Execution {e.Id} submitted to queue {e.Queue}"),
            Log = e => LiveLog.Write(ctx.Output, e),
            Warning = ctx.Output.Warning,
            Answer = prompter.AnswerAsync,
        };
        var info = await ctx.Runtime.Exec.RunAsync(request, request.WorkingDirectory ?? ctx.CurrentDirectory, observer, null, ctx.Cancellation);
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
        return request.NoWait ? ExitCodes.Ok : ExitCodes.For(info.Status);
    }
}
