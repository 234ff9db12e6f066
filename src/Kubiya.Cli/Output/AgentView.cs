using Kubiya.Core.Agents;

namespace Kubiya.Cli.Output;

/// <summary>An agent or team in json / yaml output.</summary>
public sealed class AgentView
{
    /// <summary>Name.</summary>
    public string Name { get; init; } = "";
    /// <summary>runbook, builtin, team or llm.</summary>
    public string Kind { get; init; } = "";
    /// <summary>What it does.</summary>
    public string Description { get; init; } = "";
    /// <summary>Tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    /// <summary>File it came from, or built-in.</summary>
    public string Source { get; init; } = "";
    /// <summary>Steps of a runbook.</summary>
    public IReadOnlyList<StepView> Steps { get; init; } = Array.Empty<StepView>();
    /// <summary>Members of a team.</summary>
    public IReadOnlyList<string> Agents { get; init; } = Array.Empty<string>();
    /// <summary>Teams: sequential or coordinator.</summary>
    public string? Mode { get; init; }
    /// <summary>llm agents and coordinator teams: model name.</summary>
    public string? Model { get; init; }
    /// <summary>llm agents: tools (built-in names, then <c>mcp:SERVER</c>).</summary>
    public IReadOnlyList<string> Tools { get; init; } = Array.Empty<string>();

    /// <summary>A runbook step.</summary>
    public sealed class StepView
    {
        /// <summary>Step name.</summary>
        public string Name { get; init; } = "";
        /// <summary>shell, powershell, approval or changes.</summary>
        public string Kind { get; init; } = "";
        /// <summary>Command, question or rule summary.</summary>
        public string? Command { get; init; }
    }

    /// <summary>The view of <paramref name="a"/>.</summary>
    public static AgentView From(AgentDefinition a) => new()
    {
        Name = a.Name,
        Kind = a.Kind,
        Description = a.Description,
        Tags = a.Tags,
        Source = a.Source,
        Steps = a.Steps.Select(s => new StepView { Name = s.Name, Kind = s.Kind, Command = Describe(s) }).ToList(),
        Agents = a.Agents,
        Mode = a.Kind == AgentKind.Team ? a.Mode : null,
        Model = a.Kind == AgentKind.Llm || a.Kind == AgentKind.Team ? a.Model : null,
        Tools = a.Tools.Concat(a.McpServers.Select(s => "mcp:" + s.Name)).ToList(),
    };

    /// <summary>Writes a list as a table.</summary>
    public static void WriteTable(TextWriter w, IEnumerable<AgentDefinition> list)
    {
        var t = new TextTable("NAME", "KIND", "STEPS", "DESCRIPTION");
        foreach (var a in list)
            t.Row(a.Name, a.Kind, a.Kind == AgentKind.Team ? (a.Mode == TeamMode.Coordinator ? $"{a.Model} -> " : "") + string.Join(",", a.Agents) : a.Kind == AgentKind.Llm ? $"{a.Model ?? "(default model)"}, {a.Tools.Count} tool(s)" : a.Steps.Count.ToString(), Formats.Short(a.Description, 70));
        t.Write(w);
    }

    /// <summary>Writes one agent for people.</summary>
    public static void WriteText(TextWriter w, AgentDefinition a)
    {
        w.WriteLine($"{"Name:",-13} {a.Name}");
        w.WriteLine($"{"Kind:",-13} {a.Kind}");
        w.WriteLine($"{"Description:",-13} {(a.Description.Length == 0 ? "-" : a.Description)}");
        if (a.Tags.Count > 0) w.WriteLine($"{"Tags:",-13} {string.Join(", ", a.Tags)}");
        w.WriteLine($"{"Source:",-13} {a.Source}");
        if (a.Agents.Count > 0) w.WriteLine($"{"Agents:",-13} {string.Join(", ", a.Agents)}");
        if (a.Kind == AgentKind.Llm)
        {
            w.WriteLine($"{"Model:",-13} {a.Model ?? "(default: --model / KUBIYA_MODEL)"}");
            w.WriteLine($"{"Tools:",-13} {string.Join(", ", a.Tools.Concat(a.McpServers.Select(s => "mcp:" + s.Name)))}");
            if (a.Policy.Approve.Count > 0) w.WriteLine($"{"Approve:",-13} {string.Join(", ", a.Policy.Approve)}");
            w.WriteLine($"{"Max turns:",-13} {a.MaxTurns}");
            if (a.MaxCostUsd is { } b) w.WriteLine($"{"Budget:",-13} ${b.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        if (a.Steps.Count == 0) return;
        w.WriteLine("Steps:");
        foreach (var s in a.Steps) w.WriteLine($"  {s.Name} ({s.Kind}): {Formats.Short(Describe(s), 100)}");
    }

    private static string? Describe(StepDefinition s) =>
        s.Command ?? s.Question ?? (s.Changes != null ? $"{s.Changes.Rules.Count} rule(s) on changes since {s.Changes.Base}" : null);
}
