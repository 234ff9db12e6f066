using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Cli;

/// <summary>What a step's failures and environment say: the step's name, resolved values, the member agent, the user's own line.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Cli")]
public sealed class StepMessageTests(CliFixture fx) : IDisposable
{
    private readonly string project = Directory.CreateTempSubdirectory("kubiya-steps-").FullName;

    public void Dispose() => Directory.Delete(project, true);

    private void Agent(string name, string yaml)
    {
        var dir = Path.Combine(project, ".kubiya", "agents");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, name + ".yaml"), yaml);
    }

    private async Task<List<JsonElement>> LogAsync(string id) =>
        (await fx.Env.RunAsync("execution", "logs", id, "-o", "json")).Exit(0).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public async Task AFailedChangesStepIsNamedAndShowsItsResolvedBase()
    {
        using (var git = Process.Start(new ProcessStartInfo("git", "init -q") { WorkingDirectory = project })!) await git.WaitForExitAsync();
        Agent("ch", "name: ch\nsteps:\n  - name: tests\n    changes:\n      base: ${BASE_REF:-nosuchref}\n      rules:\n        - paths: ['*.cs']\n          shell: echo cs\n");
        var r = (await fx.Env.RunAsync(new[] { "exec", "--agent", "ch", "x", "--local", "--yes", "-o", "json" }, null, workingDirectory: project)).Exit(1);
        var log = await LogAsync(r.Json.GetProperty("id").GetString()!);
        var texts = log.Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.DoesNotContain(texts, t => t.Contains("Step '?'"));
        Assert.DoesNotContain(texts, t => t.Contains("since ${"));
        var failed = log.Single(e => e.GetProperty("kind").GetString() == "StepFailed");
        Assert.Equal("tests", failed.GetProperty("step").GetString());
        Assert.StartsWith("Step 'tests' could not run: cannot list the changes since 'nosuchref' (from ${BASE_REF:-nosuchref})", failed.GetProperty("text").GetString());
    }

    [Fact]
    public async Task TeamMembersSeeThemselvesAsKubiyaAgentAndTheTeamAsKubiyaTeam()
    {
        Agent("member-a", "name: member-a\nsteps:\n  - shell: echo \"agent=[$KUBIYA_AGENT] team=[$KUBIYA_TEAM]\"\n");
        Agent("member-b", "name: member-b\nsteps:\n  - shell: echo \"agent=[$KUBIYA_AGENT] team=[$KUBIYA_TEAM]\"\n");
        Agent("crew", "name: crew\nkind: team\nagents: [member-a, member-b]\n");
        var r = (await fx.Env.RunAsync(new[] { "exec", "--team", "crew", "x", "--local", "--yes" }, null, workingDirectory: project)).Exit(0);
        Assert.Equal("agent=[member-a] team=[crew]\nagent=[member-b] team=[crew]", r.Stdout.Trim());
    }

    [Fact]
    public async Task AMissingTeamMemberIsReportedWithTheTeam()
    {
        Agent("member-a", "name: member-a\nsteps:\n  - shell: echo a\n");
        Agent("ghosts", "name: ghosts\nkind: team\nagents: [member-a, ghost]\n");
        var r = (await fx.Env.RunAsync(new[] { "exec", "--team", "ghosts", "x", "--local", "--yes" }, null, workingDirectory: project)).Exit(1);
        Assert.Contains("ghosts.yaml:3:", r.Stderr);
        Assert.Contains("team 'ghosts' names 'ghost'", r.Stderr);
        Assert.Contains("[TeamMemberNotFound]", r.Stderr);
    }

    [Fact]
    public async Task APowerShellStepErrorPointsAtTheScriptsOwnLine()
    {
        var pwsh = FindPwshDll();
        var bin = Directory.CreateDirectory(Path.Combine(project, "bin")).FullName;
        var shim = Path.Combine(bin, "pwsh");
        File.WriteAllText(shim, $"#!/bin/sh\nexec dotnet \"{pwsh}\" \"$@\"\n");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Agent("pserr", "name: pserr\nsteps:\n  - powershell: |\n      Write-Output 'line one'\n      Get-Item /no/such/path\n");
        var env = fx.Env.With("PATH", bin + ":" + Environment.GetEnvironmentVariable("PATH"));
        var r = (await env.RunAsync(new[] { "exec", "--agent", "pserr", "x", "--local", "--yes" }, null, TimeSpan.FromMinutes(3), project)).Exit(1);
        Assert.Contains("line one", r.Stdout);
        // pwsh colours its error view even when redirected: read it without the escape codes.
        var plain = Regex.Replace(r.Stderr, @"\u001b\[[0-9;]*m", "");
        Assert.Matches(new Regex(@"^\s*2 \|\s+Get-Item /no/such/path", RegexOptions.Multiline), plain);
        Assert.DoesNotMatch(new Regex(@"^\s*3 \|", RegexOptions.Multiline), plain);
    }

    private static string FindPwshDll()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var dll = Path.Combine(root, "powershell", "7.6.9", "tools", "net10.0", "any", "unix", "pwsh.dll");
        Assert.True(File.Exists(dll), $"pwsh 7.6.9 is restored (dotnet tool restore): {dll}");
        return dll;
    }
}
