using System.Text;
using System.Text.RegularExpressions;

namespace Kubiya.HelpGen;

/// <summary>
/// Turns markdown paragraphs into the plain text Get-Help prints: links become their text,
/// emphasis markers and escapes go, code spans keep their backticks, and list items keep their
/// own lines while wrapped prose is joined.
/// </summary>
public static partial class HelpText
{
    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]*)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")]
    private static partial Regex Strong();

    [GeneratedRegex(@"^\s*([-*+]|\d+\.)\s+")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"\\([\\`*_{}\[\]()#+\-.!<>|])")]
    private static partial Regex Escape();

    /// <summary>One paragraph of prose.</summary>
    public static string Paragraph(IReadOnlyList<string> lines)
    {
        var sb = new StringBuilder();
        foreach (var raw in lines)
        {
            var line = Inline(raw.Trim());
            if (sb.Length == 0) sb.Append(line);
            else if (ListItem().IsMatch(raw)) sb.Append('\n').Append(line);
            else sb.Append(' ').Append(line);
        }
        return sb.ToString();
    }

    /// <summary>Inline markdown to plain text.</summary>
    public static string Inline(string s)
    {
        // Code spans are kept verbatim: split them out before touching the rest.
        var parts = s.Split('`');
        for (var i = 0; i < parts.Length; i += 2)
        {
            var p = Link().Replace(parts[i], m => m.Groups[1].Value);
            p = Strong().Replace(p, m => m.Groups[2].Value);
            parts[i] = Escape().Replace(p, m => m.Groups[1].Value);
        }
        return string.Join("`", parts);
    }

    /// <summary>Paragraphs of a run of blocks: prose joined, code kept as written.</summary>
    public static List<string> Paragraphs(IEnumerable<Block> blocks)
    {
        var list = new List<string>();
        foreach (var b in blocks)
        {
            if (b is Paragraph p) list.Add(Paragraph(p.Lines));
            else if (b is CodeBlock c) list.Add(c.Text);
        }
        return list;
    }
}
