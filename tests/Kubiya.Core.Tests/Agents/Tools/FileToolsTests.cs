using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Tests.Agents.Tools;

/// <summary>read_file, write_file, edit_file, list_files and search_files on a real folder.</summary>
[Trait("Category", "Agents")]
public sealed class FileToolsTests : IDisposable
{
    private readonly ToolWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public void ReadFileReturnsTheWholeFileOrALineRange()
    {
        ws.Write("notes/a.txt", "one\ntwo\nthree\nfour\n");
        var all = ws.Run(BuiltInTools.ReadFile, new { path = "notes/a.txt" });
        Assert.False(all.IsError, all.Output);
        Assert.Equal("one\ntwo\nthree\nfour\n", all.Output);

        var range = ws.Run(BuiltInTools.ReadFile, new { path = "notes/a.txt", startLine = 2, endLine = 3 });
        Assert.Equal("two\nthree\n", range.Output);
        Assert.False(range.Truncated);

        var missing = ws.Run(BuiltInTools.ReadFile, new { path = "notes/none.txt" });
        Assert.True(missing.IsError);
        Assert.Contains("does not exist", missing.Output);

        var past = ws.Run(BuiltInTools.ReadFile, new { path = "notes/a.txt", startLine = 9 });
        Assert.True(past.IsError);
        Assert.Contains("has 4 lines", past.Output);
    }

    [Fact]
    public void ReadFileCutsALongFileAndSaysWhereToGoOn()
    {
        ws.Runner.MaxOutputBytes = 2048;
        ws.Write("big.txt", string.Join("\n", Enumerable.Range(1, 1000).Select(i => $"line {i:D4} ..........")) + "\n");
        var r = ws.Run(BuiltInTools.ReadFile, new { path = "big.txt" });
        Assert.False(r.IsError);
        Assert.True(r.Truncated);
        Assert.StartsWith("line 0001", r.Output);
        var lastShown = r.Output.Split('\n').Last(l => l.StartsWith("line ", StringComparison.Ordinal));
        var next = int.Parse(lastShown.Substring(5, 4)) + 1;
        Assert.Contains($"read on with startLine {next}", r.Output);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(r.Output) < 2048 + 200);

        var goOn = ws.Run(BuiltInTools.ReadFile, new { path = "big.txt", startLine = next, endLine = next });
        Assert.Equal($"line {next:D4} ..........\n", goOn.Output);
    }

    [Fact]
    public void ReadFileRefusesBinaryFilesAndFolders()
    {
        File.WriteAllBytes(ws.PathOf("data.bin"), new byte[] { 1, 2, 0, 3 });
        Assert.Contains("binary", ws.Run(BuiltInTools.ReadFile, new { path = "data.bin" }).Output);
        Directory.CreateDirectory(ws.PathOf("sub"));
        var folder = ws.Run(BuiltInTools.ReadFile, new { path = "sub" });
        Assert.True(folder.IsError);
        Assert.Contains("is a folder", folder.Output);
    }

    [Fact]
    public void WriteFileCreatesFoldersInsideAndReplacesContent()
    {
        var created = ws.Run(BuiltInTools.WriteFile, new { path = "src/deep/new.txt", content = "hello\n" });
        Assert.False(created.IsError, created.Output);
        Assert.Contains("created 'src/deep/new.txt'", created.Output);
        Assert.Equal("hello\n", File.ReadAllText(ws.PathOf("src/deep/new.txt")));

        var replaced = ws.Run(BuiltInTools.WriteFile, new { path = "src/deep/new.txt", content = "" });
        Assert.Contains("replaced", replaced.Output);
        Assert.Equal("", File.ReadAllText(ws.PathOf("src/deep/new.txt")));

        var noContent = ws.Run(BuiltInTools.WriteFile, new { path = "x.txt" });
        Assert.True(noContent.IsError);
        Assert.Contains("'content' is required", noContent.Output);
    }

    [Fact]
    public void EditFileReplacesExactlyOneOccurrence()
    {
        ws.Write("app.cfg", "name = demo\nport = 80\n");
        var r = ws.Run(BuiltInTools.EditFile, new { path = "app.cfg", oldText = "port = 80", newText = "port = 8080" });
        Assert.False(r.IsError, r.Output);
        Assert.Equal("name = demo\nport = 8080\n", File.ReadAllText(ws.PathOf("app.cfg")));
    }

    [Fact]
    public void EditFileFailsWhenTheTextIsMissingOrNotUnique()
    {
        ws.Write("dup.txt", "x = 1\nx = 1\nx = 1\n");
        var notUnique = ws.Run(BuiltInTools.EditFile, new { path = "dup.txt", oldText = "x = 1", newText = "x = 2" });
        Assert.True(notUnique.IsError);
        Assert.Contains("found 3 times", notUnique.Output);
        Assert.Equal("x = 1\nx = 1\nx = 1\n", File.ReadAllText(ws.PathOf("dup.txt")));

        var missing = ws.Run(BuiltInTools.EditFile, new { path = "dup.txt", oldText = "y = 1", newText = "y = 2" });
        Assert.True(missing.IsError);
        Assert.Contains("not found", missing.Output);

        var all = ws.Run(BuiltInTools.EditFile, new { path = "dup.txt", oldText = "x = 1", newText = "x = 2", replaceAll = true });
        Assert.False(all.IsError, all.Output);
        Assert.Contains("replaced 3 occurrences", all.Output);
        Assert.Equal("x = 2\nx = 2\nx = 2\n", File.ReadAllText(ws.PathOf("dup.txt")));
    }

    [Fact]
    public void EditFileKeepsAByteOrderMarkAndHintsAtCrlf()
    {
        File.WriteAllText(ws.PathOf("win.txt"), "a\r\nb\r\n", new System.Text.UTF8Encoding(true));
        var lf = ws.Run(BuiltInTools.EditFile, new { path = "win.txt", oldText = "a\nb", newText = "c" });
        Assert.True(lf.IsError);
        Assert.Contains("CRLF", lf.Output);
        var ok = ws.Run(BuiltInTools.EditFile, new { path = "win.txt", oldText = "a\r\nb", newText = "c" });
        Assert.False(ok.IsError, ok.Output);
        var bytes = File.ReadAllBytes(ws.PathOf("win.txt"));
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'c', (byte)'\r', (byte)'\n' }, bytes);
    }

    [Fact]
    public void ListFilesMatchesGlobsAndSkipsGit()
    {
        ws.Write("src/a.cs", "");
        ws.Write("src/sub/b.cs", "");
        ws.Write("src/c.txt", "");
        ws.Write("README.md", "");
        ws.Write(".git/config", "");
        var cs = ws.Run(BuiltInTools.ListFiles, new { pattern = "**/*.cs" });
        Assert.Equal("src/a.cs\nsrc/sub/b.cs\n", cs.Output);
        var all = ws.Run(BuiltInTools.ListFiles, new { });
        Assert.Equal("README.md\nsrc/a.cs\nsrc/c.txt\nsrc/sub/b.cs\n", all.Output);
        var inSrc = ws.Run(BuiltInTools.ListFiles, new { pattern = "*.txt", path = "src" });
        Assert.Equal("src/c.txt\n", inSrc.Output);
        var limited = ws.Run(BuiltInTools.ListFiles, new { maxResults = 2 });
        Assert.True(limited.Truncated);
        Assert.Contains("more than 2 files match", limited.Output);
    }

    [Fact]
    public void SearchFilesReturnsPathLineAndTextWithinBounds()
    {
        ws.Write("src/a.cs", "class A\n{\n    // TODO: fix\n}\n");
        ws.Write("src/b.cs", "// todo later\nclass B {}\n");
        ws.Write("docs/readme.md", "TODO: docs\n");
        File.WriteAllBytes(ws.PathOf("src/blob.bin"), new byte[] { 84, 79, 68, 79, 0 });
        var r = ws.Run(BuiltInTools.SearchFiles, new { pattern = "TODO", include = "*.cs" });
        Assert.False(r.IsError, r.Output);
        Assert.Equal("src/a.cs:3:     // TODO: fix\n", r.Output);

        var ci = ws.Run(BuiltInTools.SearchFiles, new { pattern = "todo", ignoreCase = true });
        Assert.Contains("docs/readme.md:1: TODO: docs", ci.Output);
        Assert.Contains("src/b.cs:1: // todo later", ci.Output);
        Assert.DoesNotContain("blob.bin", ci.Output);

        var bounded = ws.Run(BuiltInTools.SearchFiles, new { pattern = "todo", ignoreCase = true, maxResults = 1 });
        Assert.True(bounded.Truncated);
        Assert.Contains("stopped after 1 matches", bounded.Output);

        var bad = ws.Run(BuiltInTools.SearchFiles, new { pattern = "(" });
        Assert.True(bad.IsError);
        Assert.Contains("not a valid regular expression", bad.Output);
    }
}
