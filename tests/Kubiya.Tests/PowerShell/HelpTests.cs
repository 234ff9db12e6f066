using System.Management.Automation;
using System.Text.RegularExpressions;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// Get-Help through the real runspace: the module's MAML help (built from docs/help) covers every
/// cmdlet and exactly the parameters the code has, so the docs cannot drift from the cmdlets.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class HelpTests(ModuleFixture fx)
{
    private static string HelpDocs => Path.Combine(RepoPaths.Root, "docs", "help");

    /// <summary>The cmdlets the manifest exports (read from Kubiya.psd1, so a new cmdlet gets a case).</summary>
    private static List<string> ManifestCmdlets()
    {
        var manifest = File.ReadAllText(Path.Combine(RepoPaths.Root, "Kubiya.psd1"));
        var block = Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value;
        return Regex.Matches(block, @"'([A-Za-z]+-[A-Za-z]+)'").Select(m => m.Groups[1].Value).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    public static TheoryData<string> ExportedCmdlets() => new(ManifestCmdlets());

    [Fact]
    public void TheTheoryCoversEveryExportedCommand()
    {
        using var s = fx.NewSession();
        var exported = s.Run("(Get-Command -Module Kubiya).Name").Ok().Output.Select(o => o.ToString()).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(ManifestCmdlets(), exported);
    }

    [Fact]
    public void EveryExportedCmdletHasAMarkdownFileAndEveryFileACmdlet()
    {
        var cmdlets = ManifestCmdlets().ToHashSet(StringComparer.Ordinal);
        var files = Directory.GetFiles(HelpDocs, "*.md").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        Assert.True(cmdlets.SetEquals(files),
            $"Without docs/help/<Name>.md: {string.Join(", ", cmdlets.Except(files))}; without a cmdlet: {string.Join(", ", files.Except(cmdlets)!)}");
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void FullHelpDescribesTheCmdletAsItIs(string name)
    {
        using var s = fx.NewSession();
        var help = HelpView.Read(s, name);
        var command = (CmdletInfo)s.Run($"Get-Command -Name {name}").Ok().Single().BaseObject;

        // Without a help file PowerShell makes up a bare help from the metadata; this must be ours.
        Assert.True(help.FromMaml, $"{name}: Get-Help found no MAML help for it");
        Assert.Equal(MarkdownSynopsis(name), help.Synopsis);
        Assert.True(help.Description.Length > 80, $"{name}: the description is missing or too short: '{help.Description}'");
        Assert.True(help.Notes.Length > 0, $"{name}: no notes");
        Assert.NotEmpty(help.Links);

        Assert.True(help.Examples.Count >= 2, $"{name}: {help.Examples.Count} example(s); at least two are needed");
        foreach (var x in help.Examples)
        {
            Assert.Contains(name, x.Code);
            Assert.False(string.IsNullOrWhiteSpace(x.Remarks), $"{name}: example '{x.Title}' says nothing about what it does");
        }

        var actual = command.Parameters.Values.Where(p => !Cmdlet.CommonParameters.Contains(p.Name)).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var documented = help.Parameters.Select(p => p.Name).ToList();
        Assert.True(actual.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(documented),
            $"{name}: undocumented parameters: {string.Join(", ", actual.Keys.Except(documented, StringComparer.OrdinalIgnoreCase))}; " +
            $"documented but not on the cmdlet: {string.Join(", ", documented.Except(actual.Keys, StringComparer.OrdinalIgnoreCase))}");
        foreach (var doc in help.Parameters) AssertParameterMatches(name, doc, actual[doc.Name]);

        foreach (var set in command.ParameterSets)
        {
            var names = set.Parameters.Select(p => p.Name).Where(n => !Cmdlet.CommonParameters.Contains(n)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            Assert.True(help.SyntaxItems.Any(i => names.SetEquals(i)),
                $"{name}: no syntax line lists exactly the parameters of set '{set.Name}' ({string.Join(", ", names)})");
        }
        Assert.Equal(command.ParameterSets.Count, help.SyntaxItems.Count);

        foreach (var type in command.OutputType.Select(t => t.Name))
            Assert.True(help.Outputs.Contains(type), $"{name}: OUTPUTS does not name its [OutputType] {type} (it has {string.Join(", ", help.Outputs)})");
    }

    [Fact]
    public void AboutKubiyaIsTheShippedTopic()
    {
        using var s = fx.NewSession();
        foreach (var topic in new[] { "about_Kubiya", "about_Kubiya_Agents" })
        {
            var text = s.Run($"Get-Help {topic} | ForEach-Object {{ $_.ToString() }}").Ok().Output.Select(o => o.ToString()).Single();
            var source = File.ReadAllText(Path.Combine(HelpDocs, topic + ".help.txt"));
            Assert.Equal(Normalize(source), Normalize(text));
            Assert.Contains("SHORT DESCRIPTION", text);
        }
        var about = s.Run("Get-Help about_Kubiya | ForEach-Object { $_.ToString() }").Ok().Output.Single().ToString();
        foreach (var section in new[] { "EXECUTIONS", "STATUSES", "AGENTS", "WORKERS AS JOBS", "LOCAL EXECUTIONS", "CONFIGURATION", "CONNECTING TO A REAL TEMPORAL CLUSTER", "LOGS" })
            Assert.Contains("\n" + section + "\n", Normalize(about));
    }

    [Fact]
    public void TheAgentExamplesOfTheAboutTopicAreValidAgentFiles()
    {
        using var s = fx.NewSession();
        var topic = File.ReadAllLines(Path.Combine(HelpDocs, "about_Kubiya_Agents.help.txt"));
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "ci", IndentedBlock(topic, "EXAMPLE", "name: ci"));
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "release", IndentedBlock(topic, "TEAMS", "name: release"));
        var ci = s.Run("Get-KubiyaAgent -Name ci").Ok().Single();
        Assert.Equal("runbook", ci.Properties["Kind"].Value);
        var steps = ((System.Collections.IEnumerable)ci.Properties["Steps"].Value).Cast<object>().Select(PSObject.AsPSObject).ToList();
        Assert.Equal(new[] { "restore", "build", "tests", "lint", "publish?", "publish" }, steps.Select(x => x.Properties["Name"].Value.ToString()));
        Assert.Equal(new[] { "shell", "shell", "changes", "powershell", "approval", "powershell" }, steps.Select(x => x.Properties["Kind"].Value.ToString()));
        var team = s.Run("Get-KubiyaAgent -Name release").Ok().Single();
        Assert.Equal("team", team.Properties["Kind"].Value);
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "fixer", "name: fixer\nkind: llm\nmodel: fast\ntools: [read_file]\n");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "release-crew", IndentedBlock(topic, "COORDINATOR TEAMS", "name: release-crew"));
        var crew = s.Run("Get-KubiyaAgent -Name release-crew").Ok().Single();
        Assert.Equal("coordinator", crew.Properties["Mode"].Value);
        Assert.Equal("fast", crew.Properties["Model"].Value);
        Assert.Equal(2.0, (double)crew.Properties["MaxCostUsd"].Value);

        // The error the topic shows is the one a real file gets.
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "bad", "name: bad\nsteps:\n  - shell: echo ok\n  - shell: make\n    powershell: Invoke-Build\n");
        var bad = s.Run("Get-KubiyaAgent -Name ci");
        Assert.Contains(bad.Errors, e => e.Exception.Message.Contains("steps[1]: has shell and powershell; a step does exactly one thing", StringComparison.Ordinal)
            && e.FullyQualifiedErrorId.StartsWith("InvalidAgentDefinition", StringComparison.Ordinal));
    }

    private static void AssertParameterMatches(string cmdlet, HelpView.Parameter doc, ParameterMetadata p)
    {
        var where = $"{cmdlet} -{p.Name}";
        var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
        Assert.True(doc.Type == type.Name || doc.Type == type.FullName, $"{where}: documented type '{doc.Type}', actual {type.Name}");
        Assert.False(string.IsNullOrWhiteSpace(doc.Description), $"{where}: no description");

        var sets = p.ParameterSets.Values.ToList();
        var required = sets.Select(x => x.IsMandatory ? "true" : "false").Distinct().ToList();
        Assert.True(required.Contains(doc.Required, StringComparer.OrdinalIgnoreCase), $"{where}: documented Required '{doc.Required}', actual {string.Join("/", required)}");
        var positions = sets.Select(x => x.Position == int.MinValue ? "named" : x.Position.ToString(System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
        Assert.True(positions.Contains(doc.Position, StringComparer.OrdinalIgnoreCase), $"{where}: documented Position '{doc.Position}', actual {string.Join("/", positions)}");
        var pipeline = sets.Select(x => PipelineFlags(x.ValueFromPipeline, x.ValueFromPipelineByPropertyName)).ToList();
        Assert.True(pipeline.Any(f => f.SetEquals(DocumentedPipeline(doc.PipelineInput))),
            $"{where}: documented pipeline input '{doc.PipelineInput}', actual {string.Join("/", pipeline.Select(f => f.Count == 0 ? "False" : string.Join(",", f)))}");

        var aliases = doc.Aliases is "" or "none" ? new HashSet<string>() : doc.Aliases.Split(',').Select(a => a.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.True(aliases.SetEquals(p.Aliases), $"{where}: documented aliases '{doc.Aliases}', actual '{string.Join(", ", p.Aliases)}'");
        var wildcards = p.Attributes.OfType<SupportsWildcardsAttribute>().Any();
        Assert.True(string.Equals(doc.Globbing, wildcards ? "true" : "false", StringComparison.OrdinalIgnoreCase), $"{where}: documented wildcards '{doc.Globbing}', actual {wildcards}");
    }

    private static HashSet<string> PipelineFlags(bool byValue, bool byPropertyName)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (byValue) set.Add("ByValue");
        if (byPropertyName) set.Add("ByPropertyName");
        return set;
    }

    private static HashSet<string> DocumentedPipeline(string text)
    {
        var m = Regex.Match(text, @"^true\s*\(([^)]*)\)$", RegexOptions.IgnoreCase);
        if (!m.Success) return new HashSet<string>();
        return m.Groups[1].Value.Split(',').Select(f => f.Trim()).Where(f => f.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The SYNOPSIS section of docs/help/NAME.md as one line.</summary>
    private static string MarkdownSynopsis(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(HelpDocs, name + ".md"));
        var start = Array.IndexOf(lines, "## SYNOPSIS") + 1;
        Assert.True(start > 0, $"{name}.md has no '## SYNOPSIS'");
        return string.Join(" ", lines.Skip(start).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)).Select(l => l.Trim()).Where(l => l.Length > 0));
    }

    /// <summary>The 8-space indented block of <paramref name="section"/> that starts with <paramref name="firstLine"/>, dedented.</summary>
    private static string IndentedBlock(string[] topic, string section, string firstLine)
    {
        var from = Array.IndexOf(topic, section);
        Assert.True(from >= 0, $"the topic has no {section} section");
        var start = Array.FindIndex(topic, from, l => l == "        " + firstLine);
        Assert.True(start >= 0, $"no '{firstLine}' block in {section}");
        return string.Join("\n", topic.Skip(start).TakeWhile(l => l.StartsWith("        ", StringComparison.Ordinal)).Select(l => l[8..])) + "\n";
    }

    private static string Normalize(string s) => s.Replace("\r\n", "\n").Trim();
}
