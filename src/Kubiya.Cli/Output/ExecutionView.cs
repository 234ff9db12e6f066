using Kubiya.Core.Executions;

namespace Kubiya.Cli.Output;

/// <summary>
/// An execution in json / yaml output. The field names and their order are part of the CLI's
/// contract (see the README); every field is always present, null when unknown.
/// </summary>
public sealed class ExecutionView
{
    /// <summary>Execution id.</summary>
    public string Id { get; init; } = "";
    /// <summary>Pending, Running, WaitingForInput, Completed, Failed or Cancelled.</summary>
    public string Status { get; init; } = "";
    /// <summary>Agent name.</summary>
    public string? Agent { get; init; }
    /// <summary>Team name.</summary>
    public string? Team { get; init; }
    /// <summary>Queue.</summary>
    public string? Queue { get; init; }
    /// <summary>Worker identity of the latest step.</summary>
    public string? Worker { get; init; }
    /// <summary>low, medium, high or critical.</summary>
    public string Priority { get; init; } = "";
    /// <summary>The prompt.</summary>
    public string Prompt { get; init; } = "";
    /// <summary>Submitted (ISO 8601, UTC).</summary>
    public string? CreatedAt { get; init; }
    /// <summary>First picked up by a worker.</summary>
    public string? StartedAt { get; init; }
    /// <summary>Ended.</summary>
    public string? CompletedAt { get; init; }
    /// <summary>Run time in milliseconds.</summary>
    public long? DurationMs { get; init; }
    /// <summary>Output of its steps.</summary>
    public string? Output { get; init; }
    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }
    /// <summary>The execution it continues.</summary>
    public string? ParentExecutionId { get; init; }
    /// <summary>Environment name.</summary>
    public string? Environment { get; init; }
    /// <summary>Working directory of its steps.</summary>
    public string? WorkingDirectory { get; init; }
    /// <summary>The question it waits on.</summary>
    public string? Question { get; init; }
    /// <summary>"done/total" steps.</summary>
    public string? Progress { get; init; }
    /// <summary>Specific id of the failure (BudgetExceeded, MaxTurnsExceeded...).</summary>
    public string? ErrorId { get; init; }
    /// <summary>llm agents: model name.</summary>
    public string? Model { get; init; }
    /// <summary>llm agents: model calls.</summary>
    public int? Turns { get; init; }
    /// <summary>llm agents: tool calls.</summary>
    public int? ToolCalls { get; init; }
    /// <summary>llm agents: prompt tokens.</summary>
    public long? InputTokens { get; init; }
    /// <summary>llm agents: completion tokens.</summary>
    public long? OutputTokens { get; init; }
    /// <summary>llm agents: cost in USD.</summary>
    public double? CostUsd { get; init; }
    /// <summary>The plan the execution ran, when it was planned.</summary>
    public string? PlanId { get; init; }
    /// <summary>A team waiting on a member's question: the member's execution id.</summary>
    public string? WaitingOn { get; init; }

    /// <summary>The view of <paramref name="e"/>.</summary>
    public static ExecutionView From(ExecutionInfo e) => new()
    {
        Id = e.Id,
        Status = e.Status,
        Agent = e.Agent,
        Team = e.Team,
        Queue = e.Queue,
        Worker = e.Worker,
        Priority = e.Priority.ToLowerInvariant(),
        Prompt = e.Prompt,
        CreatedAt = Formats.Iso(e.CreatedAt),
        StartedAt = Formats.Iso(e.StartedAt),
        CompletedAt = Formats.Iso(e.CompletedAt),
        DurationMs = e.Duration is { } d ? (long)Math.Round(d * 1000) : null,
        Output = e.Output,
        Error = e.Error,
        ParentExecutionId = e.ParentExecutionId,
        Environment = e.Environment,
        WorkingDirectory = e.WorkingDirectory,
        Question = e.Question,
        Progress = e.Progress,
        ErrorId = e.ErrorId,
        Model = e.Model,
        Turns = e.Turns,
        ToolCalls = e.ToolCalls,
        InputTokens = e.InputTokens,
        OutputTokens = e.OutputTokens,
        CostUsd = e.CostUsd,
        PlanId = e.PlanId,
        WaitingOn = e.WaitingOn,
    };

    /// <summary>Writes <paramref name="e"/> as key: value lines, then its output.</summary>
    public static void WriteText(TextWriter w, ExecutionInfo e)
    {
        var who = e.Team != null ? ("Team", e.Team) : ("Agent", e.Agent ?? "-");
        var rows = new List<(string, string?)>
        {
            ("Id", e.Id), ("Status", e.Status), who, ("Queue", e.Queue), ("Worker", e.Worker),
            ("Priority", e.Priority.ToLowerInvariant()), ("Prompt", Formats.Short(e.Prompt, 200)),
            ("Created", Formats.Local(e.CreatedAt)), ("Started", Formats.Local(e.StartedAt)),
            ("Completed", Formats.Local(e.CompletedAt)), ("Duration", Formats.Duration(e.Duration)), ("Progress", e.Progress),
        };
        if (e.ParentExecutionId != null) rows.Add(("Parent", e.ParentExecutionId));
        if (e.PlanId != null) rows.Add(("Plan", e.PlanId));
        if (e.Environment != null) rows.Add(("Environment", e.Environment));
        if (e.WorkingDirectory != null) rows.Add(("Directory", e.WorkingDirectory));
        if (e.Question != null) rows.Add(("Question", e.Question));
        if (e.WaitingOn != null) rows.Add(("Waiting on", e.WaitingOn));
        if (e.Model != null)
        {
            rows.Add(("Model", e.Model));
            rows.Add(("Turns", $"{e.Turns} ({e.ToolCalls} tool call(s))"));
            rows.Add(("Tokens", $"{e.InputTokens} in, {e.OutputTokens} out"));
            rows.Add(("Cost", e.CostUsd is { } c ? Cost(c) : "-"));
        }
        if (e.Error != null) rows.Add(("Error", e.Error));
        foreach (var (k, v) in rows) w.WriteLine($"{k + ":",-12} {(string.IsNullOrEmpty(v) ? "-" : v)}");
        if (!string.IsNullOrEmpty(e.Output))
        {
            w.WriteLine("Output:");
            w.WriteLine(e.Output.TrimEnd('\n', '\r'));
        }
    }

    private static string Cost(double usd) => "$" + usd.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The one-line summary printed when an execution ends.</summary>
    public static string Summary(ExecutionInfo e)
    {
        var text = $"Execution {e.Id} {e.Status} in {Formats.Duration(e.Duration)}";
        // An llm run's bill belongs with its result: model, turns, tokens and price.
        if (e.Model != null && e.Turns > 0)
            text += $" ({e.Model}: {e.Turns} turn(s), {e.ToolCalls} tool call(s), {e.InputTokens} + {e.OutputTokens} tokens" +
                (e.CostUsd is { } c ? $", {Cost(c)})" : ")");
        return e.Error != null && e.Status != ExecutionStatus.Completed ? $"{text}: {e.Error}" : text;
    }

    /// <summary>Writes a list as a table.</summary>
    public static void WriteTable(TextWriter w, IEnumerable<ExecutionInfo> list)
    {
        // On a terminal (a limited width) ids, queues and times are compact, as the module's table
        // view shows them, so that 80 columns leave room for the prompt; redirected output keeps them whole.
        var width = TextTable.TerminalWidth();
        var compact = width != null;
        var t = new TextTable("ID", "STATUS", "AGENT", "QUEUE", "CREATED", "DURATION", "PROMPT").Shrink(2, 10).Shrink(3, 8).Shrink(0, 13, last: true);
        foreach (var e in list)
            t.Row(compact ? ExecutionIds.Short(e.Id) : e.Id, e.Status, e.Team != null ? "team:" + e.Team : e.Agent,
                compact ? Formats.CompactQueue(e.Queue) : e.Queue, compact ? Formats.Compact(e.CreatedAt) : Formats.Local(e.CreatedAt),
                Formats.Duration(e.Duration), Formats.Short(e.Prompt, 50));
        t.Write(w, width);
    }
}
