using System.CommandLine;
using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.Output;
using Kubiya.Core.Errors;
using Kubiya.Core.Schedules;

namespace Kubiya.Cli.Commands;

/// <summary><c>kubiya schedule create|list|get|update|pause|unpause|trigger|delete</c>.</summary>
internal static class ScheduleCommand
{
    public static Command Create()
    {
        var schedule = new Command("schedule", "Run agents on a schedule (cron or interval), served by Temporal schedules.");
        schedule.Add(CreateCommand());
        schedule.Add(List());
        schedule.Add(Get());
        schedule.Add(Update());
        schedule.Add(Pause());
        schedule.Add(Unpause());
        schedule.Add(Trigger());
        schedule.Add(Delete());
        return schedule;
    }

    private static Argument<string> Name() => new("name") { Description = "Schedule name." };

    private static Option<string?> Overlap() => new("--overlap")
    {
        Description = "When a run is due while the previous one still runs: Skip (default), BufferOne, BufferAll, CancelOther, TerminateOther, AllowAll.",
    };

    private static string? ParseOverlap(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (!text!.Any(char.IsDigit) && ScheduleOverlap.Parse(text) is { } o) return o;
        throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidOverlap",
            $"--overlap '{text}' is not one of Skip, BufferOne, BufferAll, CancelOther, TerminateOther, AllowAll.", text);
    }

    private static TimeSpan? ParseInterval(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var m = System.Text.RegularExpressions.Regex.Match(text.Trim(), @"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$");
        if (m.Success && m.Value.Length > 0)
            return TimeSpan.FromHours(m.Groups[1].Success ? int.Parse(m.Groups[1].Value) : 0)
                 + TimeSpan.FromMinutes(m.Groups[2].Success ? int.Parse(m.Groups[2].Value) : 0)
                 + TimeSpan.FromSeconds(m.Groups[3].Success ? int.Parse(m.Groups[3].Value) : 0);
        if (TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var t)) return t;
        throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidInterval", $"--every '{text}' is not a duration like 30s, 5m, 1h30m or 00:05:00.", text);
    }

    private static void Show(CommandContext ctx, ScheduleInfo info) =>
        ctx.Output.Result(ScheduleView.From(info), w => ScheduleView.WriteText(w, info));

    private static Command CreateCommand()
    {
        var command = new Command("create", "Create a schedule that runs an agent or team with a prompt on a queue.");
        var name = Name();
        var cron = new Option<string?>("--cron") { Description = "Cron expression: 5 fields, 6 with a year, 7 with seconds and a year, or @daily, @hourly..." };
        var every = new Option<string?>("--every") { Description = "Interval instead of a cron expression: 30s, 5m, 1h30m." };
        var agent = new Option<string?>("--agent") { Description = "Agent to run (looked up on the worker when it fires)." };
        var team = new Option<string?>("--team") { Description = "Team to run." };
        var prompt = new Option<string?>("--prompt") { Description = "The task of every run.", Required = true };
        var queue = new Option<string?>("--queue") { Description = "Queue whose workers run it.", Required = true };
        var zone = new Option<string?>("--timezone") { Description = "IANA time zone of the cron expression (default UTC)." };
        var overlap = Overlap();
        var paused = new Option<bool>("--paused") { Description = "Create it paused." };
        var note = new Option<string?>("--note") { Description = "A note kept with the schedule." };
        foreach (var o in new Option[] { cron, every, agent, team, prompt, queue, zone, overlap, paused, note }) command.Add(o);
        command.Add(name);
        command.SetAction(async ctx =>
        {
            var request = new ScheduleRequest
            {
                Name = ctx.Get(name)!,
                Cron = ctx.Get(cron),
                Interval = ParseInterval(ctx.Get(every)),
                Agent = ctx.Get(agent),
                Team = ctx.Get(team),
                Prompt = ctx.Get(prompt) ?? "",
                Queue = ctx.Get(queue) ?? "",
                TimeZone = ctx.Get(zone),
                Overlap = ParseOverlap(ctx.Get(overlap)) ?? ScheduleOverlap.Skip,
                Paused = ctx.Get(paused),
                Note = ctx.Get(note),
                WorkingDirectory = null,
            };
            if (ScheduleAgentCheck.Warning(ctx.Runtime.Agents(Environment.CurrentDirectory), request) is { } warning) ctx.Output.Warning(warning);
            var schedules = await ctx.Runtime.SchedulesAsync(ctx.Cancellation);
            Show(ctx, await schedules.CreateAsync(request, ctx.Cancellation));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List schedules with their next run and last result.");
        command.SetAction(async ctx =>
        {
            var schedules = await ctx.Runtime.SchedulesAsync(ctx.Cancellation);
            var list = await schedules.ListAsync(ctx.Cancellation);
            ctx.Output.Result(list.Select(ScheduleView.From).ToList(), w => ScheduleView.WriteTable(w, list));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get()
    {
        var command = new Command("get", "Show one schedule.");
        var name = Name();
        command.Add(name);
        command.SetAction(async ctx =>
        {
            var schedules = await ctx.Runtime.SchedulesAsync(ctx.Cancellation);
            Show(ctx, await schedules.GetAsync(ctx.Get(name)!, ctx.Cancellation));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Update()
    {
        var command = new Command("update", "Change a schedule's timing, agent, prompt, queue, time zone, overlap policy or note; the rest stays.");
        var name = Name();
        var cron = new Option<string?>("--cron") { Description = "New cron expression." };
        var every = new Option<string?>("--every") { Description = "New interval." };
        var agent = new Option<string?>("--agent") { Description = "New agent." };
        var team = new Option<string?>("--team") { Description = "New team." };
        var prompt = new Option<string?>("--prompt") { Description = "New prompt." };
        var queue = new Option<string?>("--queue") { Description = "New queue." };
        var zone = new Option<string?>("--timezone") { Description = "New time zone." };
        var overlap = Overlap();
        var note = new Option<string?>("--note") { Description = "New note." };
        foreach (var o in new Option[] { cron, every, agent, team, prompt, queue, zone, overlap, note }) command.Add(o);
        command.Add(name);
        command.SetAction(async ctx =>
        {
            var changes = new ScheduleChanges
            {
                Cron = ctx.Get(cron), Interval = ParseInterval(ctx.Get(every)), Agent = ctx.Get(agent), Team = ctx.Get(team),
                Prompt = ctx.Get(prompt), Queue = ctx.Get(queue), TimeZone = ctx.Get(zone), Overlap = ParseOverlap(ctx.Get(overlap)), Note = ctx.Get(note),
            };
            var schedules = await ctx.Runtime.SchedulesAsync(ctx.Cancellation);
            var updated = await schedules.UpdateAsync(ctx.Get(name)!, changes, ctx.Cancellation);
            // As create: a new agent or team nobody here knows is usually a typo.
            if (ScheduleAgentCheck.Warning(ctx.Runtime.Agents(Environment.CurrentDirectory), changes, updated) is { } warning) ctx.Output.Warning(warning);
            Show(ctx, updated);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Pause()
    {
        var command = new Command("pause", "Pause a schedule: it starts nothing until unpaused.");
        var name = Name();
        var note = new Option<string?>("--note") { Description = "Why." };
        command.Add(name);
        command.Add(note);
        command.SetAction(async ctx =>
        {
            var schedules = await ctx.Runtime.SchedulesAsync(ctx.Cancellation);
            Show(ctx, await schedules.PauseAsync(ctx.Get(name)!, ctx.Get(note) ?? "Paused with kubiya schedule pause", ctx.Cancellation));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Unpause()
    {
        var command = new Command("unpause", "Resume a paused schedule from its next fire time on.");
        var name = Name();
        var note = new Option<string?>("--note") { Description = "Why." };
        command.Add(name);
        command.Add(note);
        command.SetAction(async ctx =>
        {
            var schedules = await ctx.Runtime.SchedulesAsync(ctx.Cancellation);
            Show(ctx, await schedules.ResumeAsync(ctx.Get(name)!, ctx.Get(note) ?? "Resumed with kubiya schedule unpause", ctx.Cancellation));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Trigger()
    {
        var command = new Command("trigger", "Run a schedule now, once, even when paused.");
        var name = Name();
        var overlap = Overlap();
        command.Add(name);
        command.Add(overlap);
        command.SetAction(async ctx =>
        {
            var schedules = await ctx.Runtime.SchedulesAsync(ctx.Cancellation);
            Show(ctx, await schedules.TriggerAsync(ctx.Get(name)!, ParseOverlap(ctx.Get(overlap)), ctx.Cancellation));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete()
    {
        var command = new Command("delete", "Delete a schedule; the executions it started are not touched.");
        var name = Name();
        command.Add(name);
        command.SetAction(async ctx =>
        {
            var n = ctx.Get(name)!;
            var schedules = await ctx.Runtime.SchedulesAsync(ctx.Cancellation);
            await schedules.DeleteAsync(n, ctx.Cancellation);
            ctx.Output.Result(new { name = n, deleted = true }, w => w.WriteLine($"Deleted schedule {n}."));
            return ExitCodes.Ok;
        });
        return command;
    }
}
