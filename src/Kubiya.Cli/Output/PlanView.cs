using Kubiya.Core.Planning;

namespace Kubiya.Cli.Output;

/// <summary>A plan for people (80 columns) and as documents (json: the plan file format itself).</summary>
public static class PlanView
{
    /// <summary>Writes <paramref name="plan"/> in the chosen format.</summary>
    public static void Write(Renderer output, KubiyaPlan plan)
    {
        if (output.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(PlanJson.Write(plan));
            output.Out.Flush();
            return;
        }
        output.Result(plan, w => WriteText(w, plan));
    }

    /// <summary>The plan as labelled lines (80 columns).</summary>
    public static void WriteText(TextWriter w, KubiyaPlan plan)
    {
        foreach (var line in PlanText.Lines(plan)) w.WriteLine(line);
    }

    /// <summary>Writes saved plans as a table.</summary>
    public static void WriteTable(TextWriter w, IEnumerable<KubiyaPlan> plans)
    {
        var t = new TextTable("PLAN", "AGENT", "APPROVED", "EXECUTION", "TITLE");
        foreach (var p in plans)
            t.Row(p.PlanId, Formats.Short(p.Recommended.Name, 18), p.Approved ? "yes" : "no", p.ExecutionId ?? "-", Formats.Short(p.Title, 30));
        t.Write(w);
    }
}
