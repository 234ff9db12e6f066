using System.Diagnostics;

namespace Kubiya.Tests.PowerShell;

/// <summary>Rules that map changed paths to commands: "run only the tests for what changed", no model needed.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class ChangesTests(ModuleFixture fx)
{
    private const string Agent = """
        name: affected-tests
        description: Runs only the tests for what changed
        steps:
          - name: tests
            changes:
              base: HEAD
              rules:
                - paths: ["src/api/**"]
                  shell: echo api-tests
                - paths: ["src/web/**", "*.css"]
                  shell: echo web-tests
                - paths: ["docs/**"]
                  shell: echo docs-check
              otherwise:
                shell: echo nothing-to-test
        """;

    private static void Git(string cwd, string args)
    {
        var psi = new ProcessStartInfo("git", args) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["GIT_AUTHOR_NAME"] = psi.Environment["GIT_COMMITTER_NAME"] = "t";
        psi.Environment["GIT_AUTHOR_EMAIL"] = psi.Environment["GIT_COMMITTER_EMAIL"] = "t@example.invalid";
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {args}: {p.StandardError.ReadToEnd()}");
    }

    private static string Repo(PsSession s)
    {
        var repo = s.PathOf("repo");
        foreach (var d in new[] { "src/api", "src/web", "docs" }) Directory.CreateDirectory(Path.Combine(repo, d));
        File.WriteAllText(Path.Combine(repo, "src/api/a.cs"), "a");
        File.WriteAllText(Path.Combine(repo, "src/web/w.ts"), "w");
        File.WriteAllText(Path.Combine(repo, "docs/d.md"), "d");
        TestAgents.WriteProjectAgent(repo, "affected", Agent);
        Git(repo, "init -q");
        Git(repo, "add -A");
        Git(repo, "commit -q -m init");
        return repo;
    }

    [Fact]
    public void OnlyTheCommandsForChangedPathsRun()
    {
        using var s = fx.NewSession();
        var repo = Repo(s);
        File.AppendAllText(Path.Combine(repo, "src/api/a.cs"), "changed");
        File.WriteAllText(Path.Combine(repo, "site.css"), "new file");
        var r = s.Run("Invoke-KubiyaExec -Agent affected-tests 'test what changed' -Local -Cwd ./repo").Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Equal("api-tests\nweb-tests", r.Prop<string>("Output").Trim());
    }

    [Fact]
    public void OtherwiseRunsWhenNoRuleMatches()
    {
        using var s = fx.NewSession();
        Repo(s);
        var r = s.Run("Invoke-KubiyaExec -Agent affected-tests 'test what changed' -Local -Cwd ./repo").Ok();
        Assert.Equal("nothing-to-test", r.Prop<string>("Output").Trim());
        Assert.Contains(r.Information, i => i.Tags.Contains("Checkpoint") && i.MessageData.ToString()!.Contains("0 path(s) changed since HEAD"));
    }

    [Fact]
    public void NotAGitRepositoryFailsTheStepClearly()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "affected", Agent);
        var r = s.Run("Invoke-KubiyaExec -Agent affected-tests 'x' -Local");
        Assert.Equal("Failed", r.Prop<string>("Status"));
        Assert.Contains("git diff", r.Prop<string>("Error"));
    }
}
