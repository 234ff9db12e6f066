using Kubiya.Core.Planning;

namespace Kubiya.Core.Tests.Planning;

/// <summary>The plan as people read it before approving: 80 columns, and nothing of it left out.</summary>
[Trait("Category", "Planning")]
public sealed class PlanTextTests : IDisposable
{
    private readonly PlanningKit kit = new PlanningKit().StandardAgents();

    public void Dispose() => kit.Dispose();

    [Fact]
    public async Task LongValuesWrapUnderTheirLabelInsteadOfBeingCut()
    {
        var plan = await kit.Planner().PlanAsync(new PlanningRequest { Prompt = "back up the postgres database" }, null, default);
        var longSummary = string.Join(" ", Enumerable.Range(1, 40).Select(i => "word" + i)) + " " + new string('x', 95);
        plan.Summary = longSummary;
        var lines = PlanText.Lines(plan);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length}: {l}"));
        Assert.DoesNotContain(lines, l => l.EndsWith("...", StringComparison.Ordinal));
        var start = lines.FindIndex(l => l.StartsWith("Summary   ", StringComparison.Ordinal));
        var end = lines.FindIndex(start + 1, l => !l.StartsWith("          ", StringComparison.Ordinal));
        var shown = string.Join(" ", lines.Skip(start).Take(end - start).Select(l => l.Substring(10)));
        // Every word is there, in order; the one longer than a line is split across lines.
        Assert.Equal(longSummary, shown.Replace(new string('x', 70) + " " + new string('x', 25), new string('x', 95)));
        Assert.True(end - start >= 4);
    }
}
