using System.Xml.Linq;

namespace Kubiya.HelpGen;

/// <summary>
/// Writes the MAML help PowerShell reads for binary cmdlets (<c>Assembly.dll-Help.xml</c>):
/// one <c>command:command</c> per cmdlet with details, description, syntax, parameters, input
/// and return types, notes, examples and related links.
/// </summary>
public static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private static readonly XNamespace MsHelp = "http://msdn.microsoft.com/mshelp";

    /// <summary>The whole help file for <paramref name="commands"/>.</summary>
    public static XDocument Document(IEnumerable<CommandHelp> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"), commands.Select(CommandElement)));

    /// <summary>Saves <paramref name="commands"/> to <paramref name="path"/>.</summary>
    public static void Save(IEnumerable<CommandHelp> commands, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Document(commands).Save(path);
    }

    private static XElement CommandElement(CommandHelp c) =>
        new(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MsHelp),
            new XElement(Command + "details",
                new XElement(Command + "name", c.Name),
                new XElement(Command + "verb", c.Verb),
                new XElement(Command + "noun", c.Noun),
                Description(c.Synopsis)),
            Description(c.Description),
            new XElement(Command + "syntax", c.Syntax.Select(s => SyntaxItem(c, s))),
            new XElement(Command + "parameters", c.Parameters.Select(p => Parameter(p, p.Metadata[0], inSyntax: false))),
            new XElement(Command + "inputTypes", c.Inputs.Select(t => TypeElement("inputType", t))),
            new XElement(Command + "returnValues", c.Outputs.Select(t => TypeElement("returnValue", t))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(c.Notes))),
            new XElement(Command + "examples", c.Examples.Select(Example)),
            new XElement(Command + "relatedLinks", Links(c)));

    private static XElement SyntaxItem(CommandHelp c, SyntaxSet set) =>
        new(Command + "syntaxItem",
            new XElement(Maml + "name", c.Name),
            set.ParameterNames.Select(n =>
            {
                var p = c.Parameters.First(x => string.Equals(x.Name, n, StringComparison.OrdinalIgnoreCase));
                return Parameter(p, p.For(set.Name)!, inSyntax: true);
            }));

    private static XElement Parameter(ParameterHelp p, ParameterMetadata m, bool inSyntax)
    {
        var e = new XElement(Command + "parameter",
            new XAttribute("required", m.Required ? "true" : "false"),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", m.Wildcards ? "true" : "false"),
            new XAttribute("pipelineInput", m.PipelineInput),
            new XAttribute("position", m.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", m.Aliases.Count == 0 ? "none" : string.Join(", ", m.Aliases)),
            new XElement(Maml + "name", p.Name),
            Description(p.Description));
        if (m.AcceptedValues.Count > 0)
            e.Add(new XElement(Command + "parameterValueGroup",
                m.AcceptedValues.Select(v => new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute(Command + "variableLength", "false"), v))));
        // In a syntax line a switch is just [-Name]; a value element would print [-Name <SwitchParameter>].
        if (!(inSyntax && (m.IsSwitch || m.AcceptedValues.Count > 0)))
            e.Add(new XElement(Command + "parameterValue", new XAttribute("required", m.IsSwitch ? "false" : "true"), new XAttribute("variableLength", "false"), m.Type));
        e.Add(new XElement(Dev + "type", new XElement(Maml + "name", m.Type), new XElement(Maml + "uri")));
        e.Add(new XElement(Dev + "defaultValue", m.DefaultValue));
        return e;
    }

    private static XElement TypeElement(string kind, TypeHelp t) =>
        new(Command + kind,
            new XElement(Dev + "type", new XElement(Maml + "name", t.Name)),
            Description(t.Description));

    private static XElement Example(ExampleHelp x)
    {
        var e = new XElement(Command + "example", new XElement(Maml + "title", $"--------- {x.Title} ---------"));
        if (x.Introduction.Count > 0) e.Add(new XElement(Maml + "introduction", Paras(x.Introduction)));
        e.Add(new XElement(Dev + "code", x.Code));
        // The trailing empty paragraph keeps a blank line between one example's remarks and the next title.
        e.Add(new XElement(Dev + "remarks", Paras(x.Remarks), new XElement(Maml + "para", "")));
        return e;
    }

    private static IEnumerable<XElement> Links(CommandHelp c)
    {
        if (!string.IsNullOrWhiteSpace(c.OnlineVersion))
            yield return Link("Online Version:", c.OnlineVersion);
        foreach (var l in c.Links) yield return Link(l.Text, l.Uri);
    }

    private static XElement Link(string text, string uri) =>
        new(Maml + "navigationLink", new XElement(Maml + "linkText", text), new XElement(Maml + "uri", uri));

    private static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", Paras(paragraphs));

    private static IEnumerable<XElement> Paras(IEnumerable<string> paragraphs) => paragraphs.Select(p => new XElement(Maml + "para", p));
}
