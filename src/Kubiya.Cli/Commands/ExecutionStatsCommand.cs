using System.CommandLine;
using Kubiya.Cli.Infrastructure;
using Kubiya.Cli.Output;
using Kubiya.Core.Analytics;

namespace Kubiya.Cli.Commands;

/// <summary><c>kubiya execution stats [--since 24h] [--by agent|queue|status]</c>: analytics of the window's executions.</summary>
internal static class ExecutionStatsCommand
{
    public static Command Create()
    {
        var command = new Command("stats", "Execution analytics: counts, success rate, throughput, durations (avg/min/max/p50/p95), queue wait and worker utilisation.");
        var since = new Option<string>("--since") { Description = "Window start: an age (90m, 24h, 7d, 2w) or a date.", DefaultValueFactory = _ => "24h" };
        var by = new Option<string>("--by") { Description = "One row per agent, queue or status.", DefaultValueFactory = _ => "none" };
        by.AcceptOnlyFromAmong("none", "agent", "queue", "status");
        var queue = new Option<string?>("--queue") { Description = "Only executions sent to this queue." };
        var agent = new Option<string?>("--agent") { Description = "Only this agent's (or team's) executions." };
        foreach (var o in new Option[] { since, by, queue, agent }) command.Add(o);
        command.SetAction(async ctx =>
        {
            var now = DateTimeOffset.UtcNow;
            var request = new StatsRequest
            {
                Since = SinceText.Parse(ctx.Get(since)!, now),
                Until = now,
                By = Enum.Parse<StatsGrouping>(ctx.Get(by)!, ignoreCase: true),
                Queue = ctx.Get(queue),
                Agent = ctx.Get(agent),
            };
            var rows = await ctx.Runtime.ExecutionStatsAsync(request, ctx.Cancellation);
            var views = rows.Select(StatsView.From).ToList();
            ctx.Output.Result(request.By == StatsGrouping.None ? views[0] : (object)views, w => StatsView.Write(w, rows, request.By));
            return ExitCodes.Ok;
        });
        return command;
    }
}
