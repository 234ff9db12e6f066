using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Tests.Agents.Tools;

/// <summary>Every path a file tool takes stays inside the working directory, links included.</summary>
[Trait("Category", "Agents")]
public sealed class PathConfinementTests : IDisposable
{
    private readonly ToolWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public void DotDotThatLeavesTheFolderIsRefused()
    {
        var r = ws.Run(BuiltInTools.ReadFile, new { path = "../outside/secret.txt" });
        Assert.True(r.IsError);
        Assert.Equal("path '../outside/secret.txt' is outside the working directory", r.Output);

        var write = ws.Run(BuiltInTools.WriteFile, new { path = "a/../../outside/new.txt", content = "x" });
        Assert.True(write.IsError);
        Assert.Contains("outside the working directory", write.Output);
        Assert.False(File.Exists(Path.Combine(ws.Outside, "new.txt")));

        // '..' that stays inside is fine.
        ws.Write("a/b.txt", "inside");
        Assert.Equal("inside", ws.Run(BuiltInTools.ReadFile, new { path = "a/../a/b.txt" }).Output.TrimEnd());
    }

    [Fact]
    public void AbsolutePathsAreRefused()
    {
        var target = Path.Combine(ws.Outside, "secret.txt");
        foreach (var tool in new[] { BuiltInTools.ReadFile, BuiltInTools.WriteFile, BuiltInTools.EditFile })
        {
            var r = ws.Run(tool, new { path = target, content = "x", oldText = "outside", newText = "x" });
            Assert.True(r.IsError);
            Assert.Contains("is absolute", r.Output);
        }
        var list = ws.Run(BuiltInTools.ListFiles, new { path = ws.Outside });
        Assert.True(list.IsError);
        Assert.Equal("outside secret\n", File.ReadAllText(target));
        // Even an absolute path that points inside must be given relatively.
        ws.Write("in.txt", "x");
        Assert.True(ws.Run(BuiltInTools.ReadFile, new { path = ws.PathOf("in.txt") }).IsError);
    }

    [Fact]
    public void ASymlinkToAFileOutsideIsRefused()
    {
        File.CreateSymbolicLink(ws.PathOf("leak.txt"), Path.Combine(ws.Outside, "secret.txt"));
        var read = ws.Run(BuiltInTools.ReadFile, new { path = "leak.txt" });
        Assert.True(read.IsError);
        Assert.Contains("outside the working directory (the link 'leak.txt' points outside it)", read.Output);

        var write = ws.Run(BuiltInTools.WriteFile, new { path = "leak.txt", content = "overwritten" });
        Assert.True(write.IsError);
        var edit = ws.Run(BuiltInTools.EditFile, new { path = "leak.txt", oldText = "outside", newText = "x" });
        Assert.True(edit.IsError);
        Assert.Equal("outside secret\n", File.ReadAllText(Path.Combine(ws.Outside, "secret.txt")));

        // Listing and searching neither show nor read it.
        Assert.DoesNotContain("leak.txt", ws.Run(BuiltInTools.ListFiles, new { }).Output);
        Assert.DoesNotContain("outside secret", ws.Run(BuiltInTools.SearchFiles, new { pattern = "secret" }).Output);
    }

    [Fact]
    public void ASymlinkedFolderOutsideIsRefusedAtAnyDepth()
    {
        Directory.CreateDirectory(ws.PathOf("sub"));
        Directory.CreateSymbolicLink(ws.PathOf("sub/escape"), ws.Outside);
        var read = ws.Run(BuiltInTools.ReadFile, new { path = "sub/escape/secret.txt" });
        Assert.True(read.IsError);
        Assert.Contains("the link 'sub/escape' points outside it", read.Output);

        var write = ws.Run(BuiltInTools.WriteFile, new { path = "sub/escape/planted/x.txt", content = "x" });
        Assert.True(write.IsError);
        Assert.False(Directory.Exists(Path.Combine(ws.Outside, "planted")));

        Assert.True(ws.Run(BuiltInTools.ListFiles, new { path = "sub/escape" }).IsError);
        Assert.DoesNotContain("secret", ws.Run(BuiltInTools.ListFiles, new { pattern = "**" }).Output);
    }

    [Fact]
    public void ADanglingLinkOutsideCannotBeUsedToCreateAFile()
    {
        var planted = Path.Combine(ws.Outside, "planted.txt");
        File.CreateSymbolicLink(ws.PathOf("trap.txt"), planted);
        var r = ws.Run(BuiltInTools.WriteFile, new { path = "trap.txt", content = "x" });
        Assert.True(r.IsError);
        Assert.Contains("outside the working directory", r.Output);
        Assert.False(File.Exists(planted));
    }

    [Fact]
    public void LinksThatStayInsideWork()
    {
        ws.Write("real/data.txt", "linked data\n");
        Directory.CreateSymbolicLink(ws.PathOf("alias"), "real");
        File.CreateSymbolicLink(ws.PathOf("data-link.txt"), ws.PathOf("real/data.txt"));
        Assert.Equal("linked data\n", ws.Run(BuiltInTools.ReadFile, new { path = "alias/data.txt" }).Output);
        Assert.Equal("linked data\n", ws.Run(BuiltInTools.ReadFile, new { path = "data-link.txt" }).Output);
        // A link back up and then down again is inside too.
        Directory.CreateSymbolicLink(ws.PathOf("real/up"), "..");
        Assert.Equal("linked data\n", ws.Run(BuiltInTools.ReadFile, new { path = "real/up/real/data.txt" }).Output);
        Assert.Contains("data-link.txt", ws.Run(BuiltInTools.ListFiles, new { }).Output);
    }

    [Fact]
    public void AWorkingDirectoryReachedThroughALinkStillConfines()
    {
        var linkedRoot = Path.Combine(Path.GetDirectoryName(ws.Root)!, "work-link");
        Directory.CreateSymbolicLink(linkedRoot, ws.Root);
        var paths = new WorkspacePaths(linkedRoot);
        Assert.Equal(new WorkspacePaths(ws.Root).Root, paths.Root);
        Assert.Throws<ToolException>(() => paths.Resolve("../outside/secret.txt"));
        Assert.Equal(Path.Combine(paths.Root, "x", "y.txt"), paths.Resolve("x/y.txt"));
    }
}
