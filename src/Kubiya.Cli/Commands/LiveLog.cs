using Kubiya.Cli.Output;
using Kubiya.Core.Logs;

namespace Kubiya.Cli.Commands;

/// <summary>
/// Prints an execution's log as it streams. In text mode step output goes to stdout and
/// everything else (events, stderr lines) to stderr, so <c>$(kubiya exec ...)</c> captures just
/// the output; with json / yaml all of it goes to stderr and stdout holds the one result document.
/// </summary>
internal static class LiveLog
{
    public static void Write(Renderer output, LogEntry e)
    {
        // An llm agent's answer is its output; its tools' process output is detail, like events.
        var isOutput = e.Kind == LogEntryKind.Message || (e.Kind == LogEntryKind.Output && !(e.Step?.StartsWith("tool:", StringComparison.Ordinal) ?? false));
        var target = output.IsStructured || !isOutput ? output.Err : output.Out;
        target.WriteLine(e.ToString());
        target.Flush();
    }

    /// <summary>CI annotations (groups, errors, variables): on stdout in text mode, stderr with json / yaml.</summary>
    public static void Annotate(Renderer output, IEnumerable<string> lines)
    {
        foreach (var line in lines) output.Live.WriteLine(line);
        output.Live.Flush();
    }
}
