using System.Globalization;
using System.Text.RegularExpressions;

namespace Kubiya.HelpGen;

/// <summary>
/// Reads one cmdlet's help in the platyPS markdown schema 2.0 (front matter, <c># Name</c>, then
/// the <c>##</c> sections SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS,
/// NOTES, RELATED LINKS) and checks it is complete and consistent with itself: every parameter a
/// syntax line names is described, and every described parameter appears in its sets' syntax.
/// </summary>
public static partial class PlatyPsParser
{
    /// <summary>Set name of a cmdlet with a single, unnamed parameter set.</summary>
    public const string AllParameterSets = "__AllParameterSets";

    private static readonly string[] Sections = { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS" };
    private static readonly string[] RequiredSections = { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS" };
    private static readonly string[] MetadataKeys =
        { "Type", "Parameter Sets", "Aliases", "Accepted values", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters" };

    [GeneratedRegex(@"^[A-Z][A-Za-z]+-[A-Z][A-Za-z0-9]+$")]
    private static partial Regex CommandName();

    [GeneratedRegex(@"(?<=[\[\s])-([A-Za-z][A-Za-z0-9]*)\b")]
    private static partial Regex SyntaxParameter();

    [GeneratedRegex(@"^True \((ByValue|ByPropertyName)(, (ByValue|ByPropertyName))?\)$")]
    private static partial Regex PipelineInput();

    [GeneratedRegex(@"^\[([^\]]+)\]\(([^)\s]*)\)$")]
    private static partial Regex LinkLine();

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    public static CommandHelp ParseFile(string path) => Parse(File.ReadAllLines(path), path);

    /// <summary>Parses markdown lines; <paramref name="file"/> names the source in errors and must be named after the cmdlet.</summary>
    public static CommandHelp Parse(IReadOnlyList<string> lines, string file)
    {
        var (front, bodyStart) = FrontMatter(lines, file);
        var blocks = MarkdownBlocks.Parse(lines.Skip(bodyStart).ToList(), file, bodyStart + 1);
        if (blocks.Count == 0 || blocks[0] is not Heading { Level: 1 } title)
            throw new HelpFormatException(file, blocks.FirstOrDefault()?.Line ?? bodyStart + 1, "expected '# Verb-Noun' as the first heading");
        if (!CommandName().IsMatch(title.Text))
            throw new HelpFormatException(file, title.Line, $"'{title.Text}' is not a Verb-Noun command name");
        var expected = Path.GetFileNameWithoutExtension(file);
        if (!string.Equals(expected, title.Text, StringComparison.Ordinal))
            throw new HelpFormatException(file, title.Line, $"the file is named '{expected}.md' but documents '{title.Text}'; name it '{title.Text}.md'");
        if (!front.TryGetValue("external help file", out var helpFile) || string.IsNullOrWhiteSpace(helpFile))
            throw new HelpFormatException(file, 1, "front matter needs 'external help file: <Assembly>.dll-Help.xml'");

        var help = new CommandHelp
        {
            Name = title.Text,
            ExternalHelpFile = helpFile,
            OnlineVersion = front.GetValueOrDefault("online version") ?? "",
        };
        var sections = SplitSections(blocks.Skip(1).ToList(), file);
        foreach (var required in RequiredSections)
            if (!sections.ContainsKey(required))
                throw new HelpFormatException(file, title.Line, $"missing section '## {required}'");

        help.Synopsis.AddRange(NonEmptyProse(sections["SYNOPSIS"], file, "SYNOPSIS"));
        help.Description.AddRange(NonEmptyProse(sections["DESCRIPTION"], file, "DESCRIPTION"));
        help.Syntax.AddRange(Syntax(sections["SYNTAX"], help.Name, file));
        help.Examples.AddRange(Examples(sections["EXAMPLES"], file));
        help.Parameters.AddRange(Parameters(sections["PARAMETERS"], file));
        if (sections.TryGetValue("INPUTS", out var inputs)) help.Inputs.AddRange(Types(inputs, file, "INPUTS"));
        if (sections.TryGetValue("OUTPUTS", out var outputs)) help.Outputs.AddRange(Types(outputs, file, "OUTPUTS"));
        if (sections.TryGetValue("NOTES", out var notes)) help.Notes.AddRange(HelpText.Paragraphs(notes.Blocks));
        if (sections.TryGetValue("RELATED LINKS", out var links)) help.Links.AddRange(Links(links, file));
        CheckConsistency(help, file);
        return help;
    }

    private sealed record Section(int Line, List<Block> Blocks);

    private static (Dictionary<string, string> Values, int BodyStart) FrontMatter(IReadOnlyList<string> lines, string file)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (lines.Count == 0 || lines[0].Trim() != "---") return (values, 0);
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line == "---") return (values, i + 1);
            if (line.Length == 0) continue;
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new HelpFormatException(file, i + 1, $"front matter line '{line}' is not 'key: value'");
            values[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        throw new HelpFormatException(file, 1, "front matter opened with '---' is never closed");
    }

    private static Dictionary<string, Section> SplitSections(List<Block> blocks, string file)
    {
        var sections = new Dictionary<string, Section>(StringComparer.Ordinal);
        Section? current = null;
        foreach (var b in blocks)
        {
            if (b is Heading { Level: <= 2 } h)
            {
                var name = h.Text.Trim().ToUpperInvariant();
                if (h.Level == 1 || !Sections.Contains(name))
                    throw new HelpFormatException(file, h.Line, $"unexpected heading '{new string('#', h.Level)} {h.Text}'; sections are {string.Join(", ", Sections)}");
                if (sections.ContainsKey(name)) throw new HelpFormatException(file, h.Line, $"section '## {name}' appears twice");
                current = new Section(h.Line, new List<Block>());
                sections[name] = current;
                continue;
            }
            if (current == null) throw new HelpFormatException(file, b.Line, "text before the first '##' section");
            current.Blocks.Add(b);
        }
        return sections;
    }

    /// <summary>Groups a section's blocks under its <c>###</c> headings.</summary>
    private static List<(Heading Heading, List<Block> Blocks)> Subsections(Section section, string file, string name)
    {
        var list = new List<(Heading, List<Block>)>();
        foreach (var b in section.Blocks)
        {
            if (b is Heading h)
            {
                if (h.Level != 3) throw new HelpFormatException(file, h.Line, $"use '###' headings inside '## {name}'");
                list.Add((h, new List<Block>()));
                continue;
            }
            if (list.Count == 0) throw new HelpFormatException(file, b.Line, $"'## {name}' content must sit under a '###' heading");
            list[^1].Item2.Add(b);
        }
        return list;
    }

    private static List<string> NonEmptyProse(Section s, string file, string name)
    {
        if (s.Blocks.OfType<Heading>().FirstOrDefault() is { } h) throw new HelpFormatException(file, h.Line, $"no headings inside '## {name}'");
        var paras = HelpText.Paragraphs(s.Blocks);
        if (paras.Count == 0 || paras.All(string.IsNullOrWhiteSpace)) throw new HelpFormatException(file, s.Line, $"'## {name}' is empty");
        return paras;
    }

    private static IEnumerable<SyntaxSet> Syntax(Section s, string command, string file)
    {
        var sets = new List<SyntaxSet>();
        string? setName = null;
        var isDefault = false;
        var headed = s.Blocks.OfType<Heading>().Any();
        foreach (var b in s.Blocks)
        {
            switch (b)
            {
                case Heading { Level: 3 } h:
                    if (setName != null) throw new HelpFormatException(file, h.Line, $"parameter set '{setName}' has no syntax code block");
                    isDefault = h.Text.EndsWith("(Default)", StringComparison.Ordinal);
                    setName = isDefault ? h.Text[..^"(Default)".Length].Trim() : h.Text.Trim();
                    break;
                case CodeBlock c:
                    if (headed && setName == null) throw new HelpFormatException(file, c.Line, "every syntax block needs a '### SetName' heading when there are several");
                    var text = string.Join(" ", c.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                    if (!text.StartsWith(command + " ", StringComparison.Ordinal) && text != command)
                        throw new HelpFormatException(file, c.Line, $"the syntax line must start with '{command}'");
                    var names = SyntaxParameter().Matches(text).Select(m => m.Groups[1].Value).ToList();
                    var twice = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
                    if (twice != null) throw new HelpFormatException(file, c.Line, $"-{twice.Key} appears twice in one syntax line");
                    sets.Add(new SyntaxSet(setName ?? AllParameterSets, isDefault, names, c.Line + 1));
                    setName = null;
                    break;
                default:
                    throw new HelpFormatException(file, b.Line, "'## SYNTAX' holds only '### SetName' headings and code blocks");
            }
        }
        if (setName != null) throw new HelpFormatException(file, s.Line, $"parameter set '{setName}' has no syntax code block");
        if (sets.Count == 0) throw new HelpFormatException(file, s.Line, "'## SYNTAX' has no syntax code block");
        if (!headed && sets.Count > 1) throw new HelpFormatException(file, s.Line, "several syntax blocks need '### SetName' headings");
        var dup = sets.GroupBy(x => x.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (dup != null) throw new HelpFormatException(file, dup.Last().Line, $"parameter set '{dup.Key}' is listed twice");
        if (sets.Count(x => x.IsDefault) > 1) throw new HelpFormatException(file, s.Line, "only one parameter set can be '(Default)'");
        return sets;
    }

    private static IEnumerable<ExampleHelp> Examples(Section s, string file)
    {
        var examples = new List<ExampleHelp>();
        foreach (var (h, blocks) in Subsections(s, file, "EXAMPLES"))
        {
            var firstCode = blocks.FindIndex(b => b is CodeBlock);
            if (firstCode < 0) throw new HelpFormatException(file, h.Line, $"example '{h.Text}' has no code block");
            var intro = HelpText.Paragraphs(blocks.Take(firstCode));
            var rest = blocks.Skip(firstCode).ToList();
            var code = string.Join("\n\n", rest.OfType<CodeBlock>().Select(c => c.Text));
            var remarks = HelpText.Paragraphs(rest.OfType<Paragraph>());
            if (remarks.Count == 0) throw new HelpFormatException(file, h.Line, $"example '{h.Text}' needs a sentence after its code saying what it does");
            examples.Add(new ExampleHelp(h.Text, intro, code, remarks));
        }
        if (examples.Count == 0) throw new HelpFormatException(file, s.Line, "'## EXAMPLES' has no '### Example' entry");
        return examples;
    }

    private static IEnumerable<ParameterHelp> Parameters(Section s, string file)
    {
        var list = new List<ParameterHelp>();
        var common = false;
        foreach (var (h, blocks) in Subsections(s, file, "PARAMETERS"))
        {
            if (h.Text == "CommonParameters")
            {
                common = true;
                continue;
            }
            if (!h.Text.StartsWith('-') || h.Text.Length < 2 || h.Text.Contains(' '))
                throw new HelpFormatException(file, h.Line, $"parameter headings are '### -Name' (or '### CommonParameters'), not '### {h.Text}'");
            var p = new ParameterHelp { Name = h.Text[1..], Line = h.Line };
            if (list.Any(x => string.Equals(x.Name, p.Name, StringComparison.OrdinalIgnoreCase)))
                throw new HelpFormatException(file, h.Line, $"parameter -{p.Name} is described twice");
            foreach (var b in blocks)
            {
                if (b is CodeBlock { Language: "yaml" } y) p.Metadata.Add(Metadata(y, file, p.Name));
                else if (b is CodeBlock c) p.Description.Add(c.Text);
                else if (b is Paragraph para) p.Description.Add(HelpText.Paragraph(para.Lines));
            }
            if (p.Description.Count == 0) throw new HelpFormatException(file, h.Line, $"-{p.Name} has no description");
            if (p.Metadata.Count == 0) throw new HelpFormatException(file, h.Line, $"-{p.Name} has no ```yaml block (Type, Parameter Sets, Required, Position...)");
            list.Add(p);
        }
        if (!common) throw new HelpFormatException(file, s.Line, "'## PARAMETERS' needs a '### CommonParameters' entry");
        return list;
    }

    private static ParameterMetadata Metadata(CodeBlock y, string file, string parameter)
    {
        var values = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        var lines = y.Text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var number = y.Line + 1 + i;
            if (line.Length == 0) continue;
            var colon = line.IndexOf(':');
            var key = colon > 0 ? line[..colon].Trim() : line;
            if (colon <= 0 || !MetadataKeys.Contains(key))
                throw new HelpFormatException(file, number, $"-{parameter}: '{line}' is not one of {string.Join(", ", MetadataKeys)}");
            if (values.ContainsKey(key)) throw new HelpFormatException(file, number, $"-{parameter}: '{key}' is given twice");
            values[key] = (line[(colon + 1)..].Trim(), number);
        }
        foreach (var key in MetadataKeys.Where(k => k != "Accepted values"))
            if (!values.ContainsKey(key)) throw new HelpFormatException(file, y.Line, $"-{parameter}: the yaml block needs '{key}:'");
        string V(string key) => values[key].Value;
        int L(string key) => values[key].Line;
        bool Bool(string key) => V(key) switch
        {
            "True" => true,
            "False" => false,
            _ => throw new HelpFormatException(file, L(key), $"-{parameter}: {key} is True or False, not '{V(key)}'"),
        };
        static List<string> CommaList(string v) => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

        if (V("Type").Length == 0) throw new HelpFormatException(file, L("Type"), $"-{parameter}: Type is empty");
        var sets = CommaList(V("Parameter Sets"));
        if (sets.Count == 0) throw new HelpFormatException(file, L("Parameter Sets"), $"-{parameter}: Parameter Sets is empty; use (All)");
        int? position = V("Position") == "Named" ? null
            : int.TryParse(V("Position"), NumberStyles.None, CultureInfo.InvariantCulture, out var pos) ? pos
            : throw new HelpFormatException(file, L("Position"), $"-{parameter}: Position is Named or a number, not '{V("Position")}'");
        var pipeline = V("Accept pipeline input");
        if (pipeline != "False" && !PipelineInput().IsMatch(pipeline))
            throw new HelpFormatException(file, L("Accept pipeline input"), $"-{parameter}: Accept pipeline input is False or 'True (ByValue)', 'True (ByPropertyName)', 'True (ByPropertyName, ByValue)'");
        var accepted = values.TryGetValue("Accepted values", out var av) ? CommaList(av.Value) : new List<string>();
        return new ParameterMetadata(V("Type"), sets, CommaList(V("Aliases")), accepted, Bool("Required"), position,
            V("Default value").Length == 0 ? "None" : V("Default value"), pipeline, Bool("Accept wildcard characters"));
    }

    private static IEnumerable<TypeHelp> Types(Section s, string file, string name) =>
        Subsections(s, file, name).Select(x => new TypeHelp(x.Heading.Text.Trim(), HelpText.Paragraphs(x.Blocks)));

    private static IEnumerable<LinkHelp> Links(Section s, string file)
    {
        foreach (var b in s.Blocks)
        {
            if (b is not Paragraph p) throw new HelpFormatException(file, b.Line, "'## RELATED LINKS' holds one '[Text](target)' per line");
            foreach (var line in p.Lines)
            {
                var m = LinkLine().Match(line.Trim());
                if (!m.Success) throw new HelpFormatException(file, p.Line, $"'{line.Trim()}' is not a '[Text](target)' link");
                var target = m.Groups[2].Value;
                // Links to other help topics (Get-Foo.md) print by name; only web addresses keep their target.
                yield return new LinkHelp(m.Groups[1].Value, target.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? target : "");
            }
        }
    }

    private static void CheckConsistency(CommandHelp help, string file)
    {
        var single = help.Syntax.Count == 1 && help.Syntax[0].Name == AllParameterSets;
        var setNames = help.Syntax.Select(s => s.Name).ToList();
        foreach (var p in help.Parameters)
            foreach (var m in p.Metadata)
                foreach (var set in m.Sets.Where(x => x != "(All)"))
                    if (single || !setNames.Contains(set, StringComparer.OrdinalIgnoreCase))
                        throw new HelpFormatException(file, p.Line, single
                            ? $"-{p.Name}: the cmdlet has one parameter set; write 'Parameter Sets: (All)'"
                            : $"-{p.Name}: parameter set '{set}' is not one of the SYNTAX sets ({string.Join(", ", setNames)})");
        foreach (var set in help.Syntax)
        {
            foreach (var name in set.ParameterNames)
            {
                var p = help.Parameters.FirstOrDefault(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase))
                    ?? throw new HelpFormatException(file, set.Line, $"syntax names -{name}, which '## PARAMETERS' does not describe");
                if (p.For(set.Name) == null)
                    throw new HelpFormatException(file, p.Line, $"-{p.Name} appears in the syntax of set '{set.Name}' but its Parameter Sets do not include it");
            }
            foreach (var p in help.Parameters.Where(x => x.For(set.Name) != null))
                if (!set.ParameterNames.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
                    throw new HelpFormatException(file, set.Line, $"the syntax of set '{set.Name}' leaves out -{p.Name}");
        }
        foreach (var p in help.Parameters.Where(x => help.Syntax.All(s => x.For(s.Name) == null)))
            throw new HelpFormatException(file, p.Line, $"-{p.Name} is in no parameter set's syntax");
    }
}
