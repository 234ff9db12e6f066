using Kubiya.Core.Agents;
using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Tests.Agents.Tools;

/// <summary>about_Kubiya_Tools says what the tools do: its example agent parses and its policy behaves as described.</summary>
[Trait("Category", "Agents")]
public sealed class ToolsTopicTests
{
    private static string[] TopicLines()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Kubiya.sln"))) dir = dir.Parent;
        return File.ReadAllLines(Path.Combine(dir!.FullName, "docs", "help", "about_Kubiya_Tools.help.txt"));
    }

    [Fact]
    public void TheTopicsExampleAgentParsesWithThePolicyItDescribes()
    {
        var lines = TopicLines();
        var start = Array.FindIndex(lines, l => l.Trim() == "name: fixer");
        var indent = lines[start].Length - lines[start].TrimStart().Length;
        var block = lines.Skip(start).TakeWhile(l => l.Trim().Length > 0 && l.Length - l.TrimStart().Length >= indent).Select(l => l.Substring(indent));
        var agent = AgentYamlReader.Read(string.Join("\n", block), "about_Kubiya_Tools");
        Assert.Equal(AgentKind.Llm, agent.Kind);
        Assert.All(agent.Tools, t => Assert.True(BuiltInTools.IsKnown(t), t));
        Assert.Equal(new[] { "api.github.com", "*.contoso.com" }, agent.Policy.HttpAllowHosts);
        Assert.False(agent.Policy.GitWrite);
        Assert.Equal(new[] { "shell" }, agent.Policy.Approve);
        var server = Assert.Single(agent.McpServers);
        Assert.True(server.ReadOnly);
        Assert.True(BuiltInTools.IsRetrySafe("tickets__search", "{}", agent.Policy, agent.McpServers));
        Assert.True(BuiltInTools.IsRetrySafe("edit_file", "{}", agent.Policy, agent.McpServers));

        Assert.Null(CommandPolicy.Check("dotnet   test tests/Api", agent.Policy));
        Assert.Null(CommandPolicy.Check("dotnet build && dotnet test", agent.Policy));
        Assert.Contains("deny pattern 'rm -rf *'", CommandPolicy.Check("git diff; rm -rf /", agent.Policy));
        Assert.Contains("matches none of the allowed patterns", CommandPolicy.Check("curl https://example.com", agent.Policy));
        Assert.Contains("command substitution", CommandPolicy.Check("dotnet test $(cat list)", agent.Policy));
    }

    [Fact]
    public void TheTopicListsEveryBuiltInTool()
    {
        var text = string.Join("\n", TopicLines());
        foreach (var name in BuiltInTools.Names) Assert.Matches(@"(?m)^\s{8}" + name + @"\s", text);
    }
}
