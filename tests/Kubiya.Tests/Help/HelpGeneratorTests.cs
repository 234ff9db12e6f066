using System.Diagnostics;
using System.Xml.Linq;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.Help;

/// <summary>
/// The build's help generator (build/Kubiya.HelpGen) run as the build runs it: valid platyPS
/// markdown becomes MAML PowerShell can read, and a broken source fails with FILE(LINE) errors.
/// </summary>
[Trait("Category", "Help")]
public sealed class HelpGeneratorTests : IDisposable
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private readonly string docs = Path.Combine(Path.GetTempPath(), "kubiya-helpgen-" + Guid.NewGuid().ToString("N"));
    private string Out => Path.Combine(docs, "out", "en-US");

    public HelpGeneratorTests() => Directory.CreateDirectory(docs);

    private static string GeneratorDll =>
        Path.Combine(RepoPaths.Root, "build", "Kubiya.HelpGen", "bin", RepoPaths.Configuration, "net10.0", "Kubiya.HelpGen.dll");

    private const string Valid = """
        ---
        external help file: Test.dll-Help.xml
        Module Name: Test
        online version:
        schema: 2.0.0
        ---

        # Get-Widget

        ## SYNOPSIS
        Gets widgets.

        ## SYNTAX

        ### Name (Default)
        ```
        Get-Widget [[-Name] <String[]>] [-Color <String>] [-Force] [<CommonParameters>]
        ```

        ### Id
        ```
        Get-Widget -Id <Int32> [-Force] [<CommonParameters>]
        ```

        ## DESCRIPTION
        Gets widgets from the
        **store**, see [the docs](https://example.com/w).

        - first point
        - second point

        ## EXAMPLES

        ### Example 1: All widgets
        ```powershell
        PS C:\> Get-Widget
        ```

        Lists every widget.

        ## PARAMETERS

        ### -Color
        The color.

        ```yaml
        Type: String
        Parameter Sets: Name
        Aliases:
        Accepted values: red, blue

        Required: False
        Position: Named
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -Force
        Even broken ones.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases: f

        Required: False
        Position: Named
        Default value: False
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -Id
        The id.

        ```yaml
        Type: Int32
        Parameter Sets: Id
        Aliases:

        Required: True
        Position: Named
        Default value: None
        Accept pipeline input: True (ByPropertyName)
        Accept wildcard characters: False
        ```

        ### -Name
        Names.

        ```yaml
        Type: String[]
        Parameter Sets: Name
        Aliases:

        Required: False
        Position: 0
        Default value: None
        Accept pipeline input: True (ByValue)
        Accept wildcard characters: True
        ```

        ### CommonParameters
        This cmdlet supports the common parameters.

        ## INPUTS

        ### System.String
        Names.

        ## OUTPUTS

        ### Test.Widget
        A widget.

        ## NOTES
        Widgets are cached.

        ## RELATED LINKS

        [Set-Widget](Set-Widget.md)

        [Online docs](https://example.com/widgets)
        """;

    private (int Exit, string Errors) Run()
    {
        Assert.True(File.Exists(GeneratorDll), $"{GeneratorDll} was not built");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { GeneratorDll, "--docs", docs, "--out", Out }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "the generator did not finish");
        return (p.ExitCode, stderr.Result);
    }

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(docs, file), text.Replace("\r\n", "\n"));

    [Fact]
    public void ValidMarkdownBecomesMamlWithEverySection()
    {
        Write("Get-Widget.md", Valid);
        Write("about_Widgets.help.txt", "TOPIC\n    about_Widgets\n\nSHORT DESCRIPTION\n    Widgets.\n");
        var (exit, errors) = Run();
        Assert.True(exit == 0, errors);

        Assert.Equal("TOPIC\n    about_Widgets\n\nSHORT DESCRIPTION\n    Widgets.\n", File.ReadAllText(Path.Combine(Out, "about_Widgets.help.txt")));
        var doc = XDocument.Load(Path.Combine(Out, "Test.dll-Help.xml"));
        var cmd = Assert.Single(doc.Root!.Elements(Command + "command"));
        var details = cmd.Element(Command + "details")!;
        Assert.Equal("Get-Widget", details.Element(Command + "name")!.Value);
        Assert.Equal("Get", details.Element(Command + "verb")!.Value);
        Assert.Equal("Widget", details.Element(Command + "noun")!.Value);
        Assert.Equal("Gets widgets.", details.Element(Maml + "description")!.Value);
        // Prose is joined, links and emphasis become plain text, list items keep their lines.
        Assert.Equal(new[] { "Gets widgets from the store, see the docs.", "- first point\n- second point" },
            cmd.Element(Maml + "description")!.Elements(Maml + "para").Select(p => p.Value));

        var items = cmd.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(new[] { "Name", "Color", "Force" }, items[0].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        Assert.Equal(new[] { "Id", "Force" }, items[1].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        var forceInSyntax = items[0].Elements(Command + "parameter").Single(p => p.Element(Maml + "name")!.Value == "Force");
        Assert.Null(forceInSyntax.Element(Command + "parameterValue"));
        var colorInSyntax = items[0].Elements(Command + "parameter").Single(p => p.Element(Maml + "name")!.Value == "Color");
        Assert.Equal(new[] { "red", "blue" }, colorInSyntax.Element(Command + "parameterValueGroup")!.Elements().Select(v => v.Value));

        var parameters = cmd.Element(Command + "parameters")!.Elements(Command + "parameter").ToDictionary(p => p.Element(Maml + "name")!.Value);
        Assert.Equal(new[] { "Color", "Force", "Id", "Name" }, parameters.Keys);
        var name = parameters["Name"];
        Assert.Equal(("false", "0", "True (ByValue)", "true", "none"),
            (name.Attribute("required")!.Value, name.Attribute("position")!.Value, name.Attribute("pipelineInput")!.Value, name.Attribute("globbing")!.Value, name.Attribute("aliases")!.Value));
        Assert.Equal("String[]", name.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal(("true", "named", "True (ByPropertyName)"),
            (parameters["Id"].Attribute("required")!.Value, parameters["Id"].Attribute("position")!.Value, parameters["Id"].Attribute("pipelineInput")!.Value));
        Assert.Equal("f", parameters["Force"].Attribute("aliases")!.Value);

        Assert.Equal("System.String", cmd.Descendants(Command + "inputType").Single().Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("Test.Widget", cmd.Descendants(Command + "returnValue").Single().Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("Widgets are cached.", cmd.Element(Maml + "alertSet")!.Value);
        var example = cmd.Descendants(Command + "example").Single();
        Assert.Contains("Example 1: All widgets", example.Element(Maml + "title")!.Value);
        Assert.Equal("PS C:\\> Get-Widget", example.Element(Dev + "code")!.Value);
        Assert.Equal("Lists every widget.", example.Element(Dev + "remarks")!.Value);
        var links = cmd.Descendants(Maml + "navigationLink").Select(l => (l.Element(Maml + "linkText")!.Value, l.Element(Maml + "uri")!.Value));
        Assert.Equal(new[] { ("Set-Widget", ""), ("Online docs", "https://example.com/widgets") }, links);
    }

    [Fact]
    public void EveryBrokenFileIsReportedWithItsLine()
    {
        Write("Get-Widget.md", Valid.Replace("## EXAMPLES", "## EXAMPLE"));
        Write("Set-Widget.md", Valid.Replace("# Get-Widget", "# Set-Widget").Replace("Get-Widget -Id", "Set-Widget -Id").Replace("Get-Widget [[", "Set-Widget [-Size <Int32>] [["));
        Write("Remove-Widget.md", Valid);
        var (exit, errors) = Run();

        Assert.Equal(1, exit);
        var lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith(Path.Combine(docs, "Get-Widget.md") + "(32): error KHELP: unexpected heading '## EXAMPLE'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(Path.Combine(docs, "Set-Widget.md") + "(17): error KHELP: syntax names -Size, which '## PARAMETERS' does not describe", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Remove-Widget.md(8): error KHELP: the file is named 'Remove-Widget.md' but documents 'Get-Widget'", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(Out, "Test.dll-Help.xml")), "nothing is written when a source is broken");
    }

    [Fact]
    public void ParameterMetadataAndAboutTopicsAreChecked()
    {
        Write("Get-Widget.md", Valid.Replace("Position: 0", "Position: first").Replace("Aliases: f\n", ""));
        Write("about_Widgets.help.txt", "TOPIC\n    about_Widgets\n\nSHORT DESCRIPTION\n    " + new string('x', 90) + "\n");
        var (exit, errors) = Run();

        Assert.Equal(1, exit);
        Assert.Contains("Get-Widget.md(", errors);
        Assert.Contains("-Force: the yaml block needs 'Aliases:'", errors);
        Assert.Contains("about_Widgets.help.txt(5): error KHELP: line is 94 characters", errors);
    }

    public void Dispose()
    {
        try { Directory.Delete(docs, recursive: true); } catch (IOException) { }
    }
}
