using Kubiya.Core.Agents;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Tests.Security;

/// <summary>Broken and hostile agent files: one bad file is a warning with its position, never the end of the process.</summary>
[Trait("Category", "Security")]
public sealed class HostileAgentFileTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("kubiya-hostile-").FullName;
    private readonly string project = Directory.CreateTempSubdirectory("kubiya-project-").FullName;

    private string Write(string name, string yaml)
    {
        var dir = KubiyaPaths.ProjectAgentsDirectory(project);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private AgentCatalog Load() => AgentCatalog.Load(new KubiyaPaths(home), project);

    [Fact]
    public void TheIssuesMalformedFilesAreWarningsAndTheOtherAgentsStillLoad()
    {
        var emptyKey = Write("empty-key.yaml", "name: empty-key\nsteps:\n  - : echo hi\n");
        var unclosed = Write("unclosed.yaml", "name: unclosed\nkind: team\nagents: [a, b\n");
        Write("good.yaml", "name: good\nsteps:\n  - shell: echo fine\n");
        var catalog = Load();
        Assert.Contains(catalog.Agents, a => a.Name == "good");
        Assert.Contains(catalog.Agents, a => a.Name == "shell");
        Assert.Equal(2, catalog.Errors.Count);
        var e1 = Assert.Single(catalog.Errors, e => e.Message.StartsWith(emptyKey, StringComparison.Ordinal));
        var e2 = Assert.Single(catalog.Errors, e => e.Message.StartsWith(unclosed, StringComparison.Ordinal));
        Assert.Matches(@"unclosed\.yaml:\d+:\d+: ", e2.Message);
        foreach (var e in new[] { e1, e2 })
        {
            Assert.DoesNotContain("System.", e.Message);
            Assert.DoesNotContain("Exception", e.Message);
        }
        // Asking for the broken one says why; asking for another works.
        Assert.Equal("good", catalog.Get("good").Name);
        Assert.Same(e2, Assert.Throws<KubiyaException>(() => catalog.Get("unclosed")));
    }

    [Fact]
    public void DeeplyNestedListsAreRefusedBeforeParsingWithTheLimitNamed()
    {
        // 200,000 nested '[' used to overflow the parser's stack and end the process (exit 134).
        var path = Write("deep.yaml", "name: deep\nsteps: " + new string('[', 200_000) + "\n");
        var ex = Assert.Throws<KubiyaException>(() => AgentYamlReader.ReadFile(path));
        Assert.Equal("InvalidAgentDefinition", ex.ErrorId);
        Assert.Contains("nesting is deeper than the limit of", ex.Message);
        Assert.Matches(@"deep\.yaml:2:\d+: ", ex.Message);
    }

    [Fact]
    public void DeeplyNestedMappingsInEnvAreRefused()
    {
        var text = "name: deepenv\nsteps:\n  - shell: echo\n    env: " + string.Concat(Enumerable.Repeat("{a: ", 100_000)) + "\n";
        Write("deepenv.yaml", text);
        Write("ok.yaml", "name: ok\nsteps:\n  - shell: echo ok\n");
        var catalog = Load();
        Assert.Contains(catalog.Agents, a => a.Name == "ok");
        Assert.Contains(catalog.Errors, e => e.Message.Contains("deepenv.yaml") && e.Message.Contains("levels"));
    }

    [Fact]
    public void AnOversizedFileIsRefusedWithTheSizeLimit()
    {
        var path = Write("huge.yaml", "name: huge\ndescription: \"" + new string('x', 2 * 1024 * 1024) + "\"\nsteps:\n  - shell: echo\n");
        var ex = Assert.Throws<KubiyaException>(() => AgentYamlReader.ReadFile(path));
        Assert.Contains("the limit is 1,048,576 bytes", ex.Message);
    }

    [Fact]
    public void OrdinaryNestingIsNotMistakenForHostileNesting()
    {
        var path = Write("normal.yaml", """
            name: normal
            env: { A: "x[{", B: '[[[[' }
            steps:
              - name: changes
                changes:
                  base: main
                  rules:
                    - paths: ["src/**", "tests/**"]
                      shell: echo "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
              - shell: |
                  echo {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{
            """);
        var agent = AgentYamlReader.ReadFile(path);
        Assert.Equal(2, agent.Steps.Count);
    }

    [Theory]
    [InlineData("../../../..")]
    [InlineData("sub/../../x")]
    [InlineData("..\\..")]
    public void ARelativeWorkingDirectoryThatLeavesTheExecutionsFolderIsRefused(string dir)
    {
        var path = Write("escape.yaml", $"name: escape\nsteps:\n  - shell: pwd\n    workingDirectory: '{dir}'\n");
        var ex = Assert.Throws<KubiyaException>(() => AgentYamlReader.ReadFile(path));
        Assert.Contains("escape.yaml:4:", ex.Message);
        Assert.Contains("steps[0].workingDirectory", ex.Message);
        Assert.Contains("leaves the execution's folder", ex.Message);
    }

    [Theory]
    [InlineData("sub/dir")]
    [InlineData("sub/../other")]
    [InlineData("/tmp")]
    [InlineData("./x/./y/..")]
    public void FoldersInsideTheExecutionOrAbsoluteOnesAreAllowed(string dir)
    {
        var path = Write("inside.yaml", $"name: inside\nsteps:\n  - shell: pwd\n    workingDirectory: '{dir}'\n");
        Assert.Equal(dir, AgentYamlReader.ReadFile(path).Steps[0].WorkingDirectory);
    }

    public void Dispose()
    {
        try { Directory.Delete(home, true); } catch (IOException) { }
        try { Directory.Delete(project, true); } catch (IOException) { }
    }
}
