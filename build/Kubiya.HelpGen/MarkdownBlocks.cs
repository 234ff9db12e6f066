using System.Text.RegularExpressions;

namespace Kubiya.HelpGen;

/// <summary>One block of a markdown file: a heading, a fenced code block or a paragraph.</summary>
public abstract record Block(int Line);

/// <summary><c>## Text</c>.</summary>
public sealed record Heading(int Line, int Level, string Text) : Block(Line);

/// <summary>A fenced code block with its info string (language) and verbatim content.</summary>
public sealed record CodeBlock(int Line, string Language, string Text) : Block(Line);

/// <summary>Consecutive non-blank lines, as written.</summary>
public sealed record Paragraph(int Line, IReadOnlyList<string> Lines) : Block(Line);

/// <summary>
/// Splits the markdown subset platyPS writes into blocks. Fenced code is opaque (a '#' inside
/// it is not a heading); everything else is headings and blank-line separated paragraphs.
/// </summary>
public static partial class MarkdownBlocks
{
    [GeneratedRegex(@"^(#{1,6})\s+(.*?)\s*#*\s*$")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^(```+|~~~+)\s*([\w-]*)\s*$")]
    private static partial Regex FenceLine();

    /// <summary>Parses <paramref name="lines"/>; <paramref name="firstLine"/> is the 1-based number of lines[0].</summary>
    public static List<Block> Parse(IReadOnlyList<string> lines, string file, int firstLine = 1)
    {
        var blocks = new List<Block>();
        var para = new List<string>();
        var paraLine = 0;
        void Flush()
        {
            if (para.Count > 0) blocks.Add(new Paragraph(paraLine, para.ToArray()));
            para.Clear();
        }
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].TrimEnd();
            var number = firstLine + i;
            var fence = FenceLine().Match(line);
            if (fence.Success)
            {
                Flush();
                var marker = fence.Groups[1].Value;
                var body = new List<string>();
                var closed = false;
                for (i++; i < lines.Count; i++)
                {
                    if (lines[i].TrimEnd().StartsWith(marker, StringComparison.Ordinal) && lines[i].Trim().Trim(marker[0]).Length == 0)
                    {
                        closed = true;
                        break;
                    }
                    body.Add(lines[i].TrimEnd());
                }
                if (!closed) throw new HelpFormatException(file, number, $"code block opened with {marker} is never closed");
                blocks.Add(new CodeBlock(number, fence.Groups[2].Value, string.Join("\n", body)));
                continue;
            }
            var heading = HeadingLine().Match(line);
            if (heading.Success)
            {
                Flush();
                blocks.Add(new Heading(number, heading.Groups[1].Value.Length, heading.Groups[2].Value));
                continue;
            }
            if (line.Length == 0)
            {
                Flush();
                continue;
            }
            if (para.Count == 0) paraLine = number;
            para.Add(line);
        }
        Flush();
        return blocks;
    }
}
