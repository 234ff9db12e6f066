namespace Kubiya.HelpGen;

/// <summary>A problem in a help source file, reported as <c>FILE(LINE): error KHELP: message</c> so MSBuild shows it.</summary>
public sealed class HelpFormatException(string file, int line, string message) : Exception(message)
{
    /// <summary>The markdown file.</summary>
    public string File { get; } = file;

    /// <summary>1-based line of the problem (0 when it concerns the whole file).</summary>
    public int Line { get; } = line;

    /// <summary>The MSBuild canonical error line.</summary>
    public string ToCanonical() => $"{File}({Math.Max(1, Line)}): error KHELP: {Message}";
}
