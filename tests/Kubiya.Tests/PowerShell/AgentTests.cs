using System.Management.Automation;

namespace Kubiya.Tests.PowerShell;

/// <summary>Get-KubiyaAgent and agent YAML: discovery, precedence, and errors that point at the line.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class AgentTests(ModuleFixture fx)
{
    [Fact]
    public void ListsBuiltInsUserAndProjectAgents()
    {
        using var s = fx.NewSession();
        var userDir = Path.Combine(fx.Home, "agents");
        Directory.CreateDirectory(userDir);
        var userFile = Path.Combine(userDir, $"user-{Guid.NewGuid():N}.yaml");
        var name = ModuleFixture.Unique("useragent");
        File.WriteAllText(userFile, $"name: {name}\ndescription: from home\ntags: [a, b]\nsteps:\n  - shell: echo hi\n");
        try
        {
            TestAgents.WriteProjectAgent(s.WorkingDirectory, "proj", "name: projagent\ndescription: from project\nsteps:\n  - shell: echo p\n");
            var r = s.Run("Get-KubiyaAgent").Ok();
            var names = r.Output.Select(o => o.Properties["Name"].Value.ToString()).ToList();
            Assert.Contains("shell", names);
            Assert.Contains("powershell", names);
            Assert.Contains(name, names);
            Assert.Contains("projagent", names);
            var one = s.Run($"Get-KubiyaAgent -Name {name}").Ok();
            Assert.Equal("from home", one.Prop<string>("Description"));
            Assert.Equal(new[] { "a", "b" }, ((System.Collections.IEnumerable)one.Single().Properties["Tags"].Value).Cast<object>().Select(x => x.ToString()));
        }
        finally
        {
            File.Delete(userFile);
        }
    }

    [Fact]
    public void ProjectAgentsOverrideUserAgentsOfTheSameName()
    {
        using var s = fx.NewSession();
        var userDir = Path.Combine(fx.Home, "agents");
        Directory.CreateDirectory(userDir);
        var name = ModuleFixture.Unique("dup");
        var userFile = Path.Combine(userDir, name + ".yaml");
        File.WriteAllText(userFile, $"name: {name}\nsteps:\n  - shell: echo from-user\n");
        try
        {
            TestAgents.WriteProjectAgent(s.WorkingDirectory, name, $"name: {name}\nsteps:\n  - shell: echo from-project\n");
            var r = s.Run($"Invoke-KubiyaExec -Agent {name} 'go' -Local").Ok();
            Assert.Equal("from-project", r.Prop<string>("Output").Trim());
        }
        finally
        {
            File.Delete(userFile);
        }
    }

    [Fact]
    public void InvalidYamlNamesTheFileLineAndField()
    {
        using var s = fx.NewSession();
        var path = TestAgents.WriteProjectAgent(s.WorkingDirectory, "broken", """
            name: broken
            steps:
              - name: first
                shell: echo ok
              - name: second
                shell: echo x
                timeout: soon
            """);
        var r = s.Run("Get-KubiyaAgent");
        var err = Assert.Single(r.Errors);
        Assert.StartsWith("InvalidAgentDefinition,", err.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ParserError, err.CategoryInfo.Category);
        Assert.Equal($"{path}:7:14: steps[1].timeout: 'soon' is not a number", err.Exception.Message);
        Assert.Contains(r.Output, o => o.Properties["Name"].Value.ToString() == "shell");
    }

    [Fact]
    public void UnknownFieldsAndSyntaxErrorsAreReported()
    {
        using var s = fx.NewSession();
        var typo = TestAgents.WriteProjectAgent(s.WorkingDirectory, "typo", "name: typo\nsteps:\n  - shel: echo x\n");
        var syntax = TestAgents.WriteProjectAgent(s.WorkingDirectory, "syntax", "name: syntax\nsteps:\n  - shell: [unclosed\n");
        var both = TestAgents.WriteProjectAgent(s.WorkingDirectory, "both", "name: both\nsteps:\n  - shell: a\n    powershell: b\n");
        var r = s.Run("Get-KubiyaAgent");
        var messages = r.Errors.Select(e => e.Exception.Message).ToList();
        Assert.Equal(3, messages.Count);
        Assert.Contains(messages, m => m.StartsWith($"{typo}:3:5: steps[0].shel: unknown field"));
        Assert.Contains(messages, m => m.StartsWith($"{syntax}:") && m.Contains("(syntax)"));
        Assert.Contains(messages, m => m.StartsWith($"{both}:3:5: steps[0]: has shell and powershell"));
    }

    [Fact]
    public void RunningABrokenAgentReportsItsDefinitionError()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "busted", "name: busted\nsteps: []\n");
        var r = s.Run("Invoke-KubiyaExec -Agent busted 'go' -Local");
        var err = Assert.Single(r.Errors);
        Assert.StartsWith("InvalidAgentDefinition,", err.FullyQualifiedErrorId);
        Assert.Contains("steps: must be a non-empty list of steps", err.Exception.Message);
        Assert.Empty(r.Output);
    }

    [Fact]
    public void UnknownAgentNameIsNotFound()
    {
        using var s = fx.NewSession();
        var r = s.Run("Get-KubiyaAgent -Name nothing-like-this, shell");
        Assert.Single(r.Output);
        Assert.StartsWith("AgentNotFound,", Assert.Single(r.Errors).FullyQualifiedErrorId);
    }
}
