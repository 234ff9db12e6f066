using System.Diagnostics;
using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Tests.Agents.Tools;

/// <summary>The git tool against a real repository in the working directory.</summary>
[Trait("Category", "Agents")]
public sealed class GitToolTests : IDisposable
{
    private readonly ToolWorkspace ws = new();

    public GitToolTests()
    {
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "dev@example.com");
        Git("config", "user.name", "Dev");
        ws.Write("a.txt", "first\n");
        Git("add", "a.txt");
        Git("commit", "-q", "-m", "first commit");
    }

    public void Dispose() => ws.Dispose();

    [Fact]
    public void ReadOnlySubcommandsRun()
    {
        ws.Write("a.txt", "first\nsecond\n");
        var status = ws.Run(BuiltInTools.Git, new { subcommand = "status", args = new[] { "--short" } });
        Assert.False(status.IsError, status.Output);
        Assert.Equal(" M a.txt", status.Output.TrimEnd());
        var diff = ws.Run(BuiltInTools.Git, new { subcommand = "diff" });
        Assert.Contains("+second", diff.Output);
        var log = ws.Run(BuiltInTools.Git, new { subcommand = "log", args = new[] { "--oneline" } });
        Assert.Contains("first commit", log.Output);
        var show = ws.Run(BuiltInTools.Git, new { subcommand = "show", args = new[] { "--stat", "HEAD" } });
        Assert.Contains("a.txt", show.Output);
    }

    [Fact]
    public void WriteSubcommandsNeedGitWrite()
    {
        ws.Write("b.txt", "new\n");
        var refused = ws.Run(BuiltInTools.Git, new { subcommand = "add", args = new[] { "b.txt" } });
        Assert.True(refused.IsError);
        Assert.StartsWith("git add is denied by policy", refused.Output);
        Assert.Contains("?? b.txt", ws.Run(BuiltInTools.Git, new { subcommand = "status", args = new[] { "--short" } }).Output);

        ws.Policy.GitWrite = true;
        Assert.False(ws.Run(BuiltInTools.Git, new { subcommand = "add", args = new[] { "b.txt" } }).IsError);
        var commit = ws.Run(BuiltInTools.Git, new { subcommand = "commit", args = new[] { "-m", "add b" } });
        Assert.False(commit.IsError, commit.Output);
        Assert.Contains("add b", Git("log", "--oneline"));
    }

    [Fact]
    public void ReadOnlyCallsCannotWriteFilesOrReadOutside()
    {
        var output = ws.Run(BuiltInTools.Git, new { subcommand = "diff", args = new[] { "--output=../outside/diff.txt" } });
        Assert.True(output.IsError);
        Assert.Contains("'--output=../outside/diff.txt' is denied by policy", output.Output);
        var noIndex = ws.Run(BuiltInTools.Git, new { subcommand = "diff", args = new[] { "--no-index", "../outside/secret.txt", "a.txt" } });
        Assert.True(noIndex.IsError);
        Assert.DoesNotContain("outside secret", noIndex.Output);
        var option = ws.Run(BuiltInTools.Git, new { subcommand = "-c" });
        Assert.True(option.IsError);
        Assert.Contains("not a subcommand", option.Output);
    }

    [Fact]
    public async Task ARepositoryAboveTheWorkingDirectoryIsNotUsed()
    {
        Directory.CreateDirectory(ws.PathOf("nested"));
        var request = ws.Request(BuiltInTools.Git, new { subcommand = "status" });
        request.WorkingDirectory = ws.PathOf("nested");
        var r = await ws.Runner.RunAsync(request, (_, _) => { }, default);
        Assert.True(r.IsError);
        Assert.Contains("not a git repository", r.Output);
    }

    [Fact]
    public void IsReadOnlyLooksAtTheSubcommand()
    {
        Assert.True(BuiltInTools.IsReadOnly(BuiltInTools.Git, "{\"subcommand\":\"log\"}"));
        Assert.False(BuiltInTools.IsReadOnly(BuiltInTools.Git, "{\"subcommand\":\"commit\"}"));
        Assert.False(BuiltInTools.IsReadOnly(BuiltInTools.Git, "not json"));
        Assert.False(BuiltInTools.IsReadOnly(BuiltInTools.Git));
    }

    private string Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = ws.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(" ", args)}: {stderr}");
        return stdout;
    }
}
