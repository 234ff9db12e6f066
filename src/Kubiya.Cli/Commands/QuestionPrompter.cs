using Kubiya.Cli.Infrastructure;
using Kubiya.Core.Logs;

namespace Kubiya.Cli.Commands;

/// <summary>
/// Answers an execution's questions (approval steps) from stdin, one at a time; in
/// non-interactive mode it never reads stdin and says how to answer from elsewhere.
/// </summary>
internal sealed class QuestionPrompter
{
    private readonly CommandContext context;
    private readonly bool interactive;

    public QuestionPrompter(CommandContext context, bool interactive)
    {
        this.context = context;
        this.interactive = interactive;
    }

    /// <summary>
    /// Answers a Question log entry from stdin; null when it cannot (non-interactive, or stdin
    /// ended), after saying how to answer from elsewhere.
    /// </summary>
    public async Task<string?> AnswerAsync(LogEntry question, CancellationToken cancellationToken)
    {
        var hint = $"answer with: kubiya execution input {question.ExecutionId} yes (or rerun with --yes)";
        if (!interactive)
        {
            context.Output.Warning($"execution {question.ExecutionId} waits for input: {question.Text}. Not prompting (non-interactive); {hint}");
            return null;
        }
        // A tool approval already ends in "(yes/no)": say it once.
        context.Output.Err.Write(question.Text.TrimEnd().EndsWith("(yes/no)", StringComparison.Ordinal) ? $"{question.Text.TrimEnd()}: " : $"{question.Text} [yes/no]: ");
        context.Output.Err.Flush();
        var answer = await Console.In.ReadLineAsync(cancellationToken);
        if (answer == null)
        {
            context.Output.Err.WriteLine();
            context.Output.Warning($"no answer on stdin for execution {question.ExecutionId}; {hint}");
            return null;
        }
        return answer.Trim();
    }
}
