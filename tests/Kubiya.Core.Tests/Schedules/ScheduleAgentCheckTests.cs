using Kubiya.Core.Agents;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;
using Kubiya.Core.Schedules;

namespace Kubiya.Core.Tests.Schedules;

/// <summary>
/// The "known here" lists of a schedule's agent check and of the catalogue's not-found errors come
/// from one place, so they name the same agents and teams in the same order; a change of a
/// schedule is checked like a new one.
/// </summary>
public sealed class ScheduleAgentCheckTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), "kubiya-check-home-" + Guid.NewGuid().ToString("N"));
    private readonly string project = Path.Combine(Path.GetTempPath(), "kubiya-check-proj-" + Guid.NewGuid().ToString("N"));

    public ScheduleAgentCheckTests()
    {
        var dir = KubiyaPaths.ProjectAgentsDirectory(project);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "zeta.yaml"), "name: zeta-crew\nkind: team\nagents: [deploy]\n");
        File.WriteAllText(Path.Combine(dir, "alpha.yaml"), "name: Alpha-crew\nkind: team\nagents: [deploy]\n");
        File.WriteAllText(Path.Combine(dir, "deploy.yaml"), "name: deploy\nsteps:\n  - shell: echo deploy\n");
    }

    private AgentCatalog Load() => AgentCatalog.Load(new KubiyaPaths(home), project);

    [Fact]
    public void TheTeamsAScheduleWarningListsAreThoseOfTheTeamNotFoundError()
    {
        var catalog = Load();
        Assert.Equal(new[] { "Alpha-crew", "zeta-crew" }, catalog.KnownNames(teams: true));
        Assert.Equal(new[] { "deploy", "powershell", "shell" }, catalog.KnownNames(teams: false));

        var warning = ScheduleAgentCheck.Warning(catalog, new ScheduleRequest { Name = "n", Team = "crew", Prompt = "p", Queue = "ops" });
        var error = Assert.Throws<KubiyaException>(() => catalog.Get("crew", team: true));
        Assert.Contains("(known: Alpha-crew, zeta-crew)", warning);
        Assert.Contains("Known teams: Alpha-crew, zeta-crew.", error.Message);

        var agentWarning = ScheduleAgentCheck.Warning(catalog, new ScheduleRequest { Name = "n", Agent = "deplyo", Prompt = "p", Queue = "ops" });
        var agentError = Assert.Throws<KubiyaException>(() => catalog.Get("deplyo"));
        Assert.Contains("(known: deploy, powershell, shell)", agentWarning);
        // Agents and teams are listed apart, as the schedule check lists them.
        Assert.Contains("Known agents: deploy, powershell, shell; teams: Alpha-crew, zeta-crew.", agentError.Message);
    }

    [Fact]
    public void AChangeIsCheckedOnlyForTheAgentOrTeamItNamesWithTheQueueTheScheduleRunsOn()
    {
        var catalog = Load();
        var updated = new ScheduleInfo { Name = "nightly", Agent = "deplyo", Queue = "ops" };
        var warning = ScheduleAgentCheck.Warning(catalog, new ScheduleChanges { Agent = "deplyo" }, updated);
        Assert.StartsWith("No agent named 'deplyo' is known here (known: deploy, powershell, shell).", warning);
        Assert.Contains("the workers of queue 'ops'", warning);
        Assert.StartsWith("No team named 'crew' is known here (known: Alpha-crew, zeta-crew).",
            ScheduleAgentCheck.Warning(catalog, new ScheduleChanges { Team = "crew" }, new ScheduleInfo { Name = "nightly", Team = "crew", Queue = "ops" }));
        Assert.Null(ScheduleAgentCheck.Warning(catalog, new ScheduleChanges { Agent = "DEPLOY" }, updated));
        Assert.Null(ScheduleAgentCheck.Warning(catalog, new ScheduleChanges { Team = "zeta-crew" }, updated));
        // A change that leaves the agent alone says nothing, whatever the schedule names.
        Assert.Null(ScheduleAgentCheck.Warning(catalog, new ScheduleChanges { Note = "moved" }, updated));
    }

    public void Dispose()
    {
        foreach (var d in new[] { home, project })
            try { Directory.Delete(d, true); } catch (IOException) { }
    }
}
