using System.CommandLine;
using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.Output;
using Kubiya.Core.Analytics;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.Core.Logs;

namespace Kubiya.Cli.Commands;

/// <summary><c>kubiya execution list|get|logs|cancel|terminate|watch|input</c>.</summary>
internal static class ExecutionCommand
{
    public static Command Create()
    {
        var execution = new Command("execution", "Inspect and control executions: history, details, logs, cancel, watch, answers.");
        execution.Add(List());
        execution.Add(Get());
        execution.Add(Logs());
        execution.Add(Cancel());
        execution.Add(Terminate());
        execution.Add(Watch());
        execution.Add(Input());
        execution.Add(ExecutionStatsCommand.Create());
        return execution;
    }

    private static Argument<string> Id() => new("id") { Description = "Execution id (exec-...), or its start as narrow tables show it (exec- and at least 4 hex digits)." };

    private static Command List()
    {
        var command = new Command("list", "List executions, newest first (the filters of Get-KubiyaExecution and the web UI).");
        var status = new Option<string[]>("--status") { Description = "Only these statuses: Pending, Running, WaitingForInput, Completed, Failed, Cancelled (repeat or comma-separate).", AllowMultipleArgumentsPerToken = true };
        var agent = new Option<string?>("--agent") { Description = "Only this agent's executions (scheduled ones and its runs as a team member included)." };
        var team = new Option<string?>("--team") { Description = "Only this team's executions (not its members' own runs)." };
        var queue = new Option<string?>("--queue") { Description = "Only executions sent to this queue." };
        var schedule = new Option<string?>("--schedule") { Description = "Only executions started by this schedule." };
        var since = new Option<string?>("--since") { Description = "Only those created since: an age (90m, 24h, 7d, 2w) or a date." };
        var limit = new Option<int>("--limit") { Description = "At most this many.", DefaultValueFactory = _ => 20 };
        var skip = new Option<int>("--skip") { Description = "Leave out this many of the newest matching ones first (page with --limit)." };
        foreach (var o in new Option[] { status, agent, team, queue, schedule, since, limit, skip }) command.Add(o);
        command.SetAction(async ctx =>
        {
            ExecutionFilterText.CheckPage(ctx.Get(limit), ctx.Get(skip), "--limit", "--skip");
            var filter = new ExecutionFilter
            {
                Statuses = ExecutionFilterText.Statuses(ctx.Get(status) ?? Array.Empty<string>()),
                Agent = ctx.Get(agent),
                Team = ctx.Get(team),
                Queue = ctx.Get(queue),
                Schedule = ctx.Get(schedule),
                Since = ctx.Get(since) is { } text ? SinceText.Parse(text, DateTimeOffset.Now) : null,
                First = ctx.Get(limit),
                Skip = ctx.Get(skip),
            };
            var executions = await ctx.Runtime.ExecutionsAsync(ctx.Cancellation);
            var list = await executions.ListAsync(filter, ctx.Cancellation);
            ctx.Output.Result(list.Select(ExecutionView.From).ToList(), w => ExecutionView.WriteTable(w, list));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get()
    {
        var command = new Command("get", "Show one execution with its whole output.");
        var id = Id();
        command.Add(id);
        command.SetAction(async ctx =>
        {
            var executions = await ctx.Runtime.ExecutionsAsync(ctx.Cancellation);
            var info = await executions.GetAsync(await executions.ResolveIdAsync(ctx.Get(id)!, ctx.Cancellation), true, ctx.Cancellation);
            ctx.Output.Result(ExecutionView.From(info), w => ExecutionView.WriteText(w, info));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Logs()
    {
        var command = new Command("logs", "Print an execution's log, read from its durable history (from any machine, after its worker is gone).");
        var id = Id();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new entries until the execution ends." };
        command.Add(id);
        command.Add(follow);
        command.SetAction(async ctx =>
        {
            var executionId = await (await ctx.Runtime.ExecutionsAsync(ctx.Cancellation)).ResolveIdAsync(ctx.Get(id)!, ctx.Cancellation);
            var logs = await ctx.Runtime.LogsAsync(ctx.Cancellation);
            await logs.ReadAsync(executionId, ctx.Get(follow), e => ctx.Output.Record(LogEntryView.From(e), e.ToString()), ctx.Cancellation);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Cancel()
    {
        var command = new Command("cancel", "Cancel a running execution: its running step is stopped and it ends Cancelled.");
        var id = Id();
        command.Add(id);
        command.SetAction(async ctx =>
        {
            var executions = await ctx.Runtime.ExecutionsAsync(ctx.Cancellation);
            var info = await executions.CancelAsync(await executions.ResolveIdAsync(ctx.Get(id)!, ctx.Cancellation), ctx.Cancellation);
            ctx.Output.Result(ExecutionView.From(info), w => w.WriteLine($"Cancellation requested for {info.Id} (was {info.Status})."));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Terminate()
    {
        var command = new Command("terminate", "End an execution at once without its worker (a run no worker will serve again: a local run whose process died, a queue nobody polls); it reads Cancelled with the reason.");
        var id = Id();
        var reason = new Option<string?>("--reason") { Description = "Why (recorded on the execution)." };
        command.Add(id);
        command.Add(reason);
        command.SetAction(async ctx =>
        {
            var executions = await ctx.Runtime.ExecutionsAsync(ctx.Cancellation);
            var executionId = await executions.ResolveIdAsync(ctx.Get(id)!, ctx.Cancellation);
            await executions.TerminateAsync(executionId, ctx.Get(reason) ?? $"Terminated by {Environment.UserName}@{Environment.MachineName}", ctx.Cancellation);
            var info = await executions.WaitAsync(executionId, TimeSpan.FromSeconds(30), null, ctx.Cancellation);
            ctx.Output.Result(ExecutionView.From(info), w => w.WriteLine($"Terminated {info.Id}: {info.Error}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Watch()
    {
        var command = new Command("watch", "Stream an execution's log until it ends; the exit code tells the result (0 completed, 1 failed or cancelled).");
        var id = Id();
        command.Add(id);
        command.SetAction(async ctx =>
        {
            var executions = await ctx.Runtime.ExecutionsAsync(ctx.Cancellation);
            var executionId = await executions.ResolveIdAsync(ctx.Get(id)!, ctx.Cancellation);
            await executions.GetAsync(executionId, false, ctx.Cancellation); // a clear NotFound before following
            var logs = await ctx.Runtime.LogsAsync(ctx.Cancellation);
            await logs.ReadAsync(executionId, true, e => LiveLog.Write(ctx.Output, e), ctx.Cancellation);
            var info = await executions.GetAsync(executionId, true, ctx.Cancellation);
            ctx.Output.Result(ExecutionView.From(info), _ => ctx.Output.Err.WriteLine(ExecutionView.Summary(info)));
            return ExitCodes.For(info);
        });
        return command;
    }

    private static Command Input()
    {
        var command = new Command("input", "Answer the question an execution waits on (an approval step: yes or no).");
        var id = Id();
        var answer = new Argument<string>("answer") { Description = "The answer, e.g. yes." };
        command.Add(id);
        command.Add(answer);
        command.SetAction(async ctx =>
        {
            var executions = await ctx.Runtime.ExecutionsAsync(ctx.Cancellation);
            var info = await executions.SendInputAsync(await executions.ResolveIdAsync(ctx.Get(id)!, ctx.Cancellation), ctx.Get(answer)!, ctx.Cancellation);
            ctx.Output.Result(ExecutionView.From(info), w => w.WriteLine($"Answered {info.Id}: {info.Question ?? "question"} -> {ctx.Get(answer)}"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
