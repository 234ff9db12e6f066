namespace Kubiya.Core.Completion
{
    /// <summary>One value a front can offer for tab completion, with the text shown beside it.</summary>
    /// <param name="Value">The value inserted on the command line.</param>
    /// <param name="ToolTip">A one-line description (kind, status, prompt).</param>
    public sealed record CompletionCandidate(string Value, string ToolTip);
}
