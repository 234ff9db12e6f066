using Kubiya.Cli.Infrastructure;
using Kubiya.Core.Errors;
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
    private Task pending = Task.CompletedTask;

    public QuestionPrompter(CommandContext context, bool interactive)
    {
        this.context = context;
        this.interactive = interactive;
    }

    /// <summary>Called for each Question log entry.</summary>
    public void OnQuestion(LogEntry question)
    {
        var hint = $"answer with: kubiya execution input {question.ExecutionId} yes (or rerun with --yes)";
        if (!interactive)
        {
            context.Output.Warning($"execution {question.ExecutionId} waits for input: {question.Text}. Not prompting (non-interactive); {hint}");
            return;
        }
        if (!pending.IsCompleted) return;
        pending = AskAsync(question, hint);
    }

    private async Task AskAsync(LogEntry question, string hint)
    {
        context.Output.Err.Write($"{question.Text} [yes/no]: ");
        context.Output.Err.Flush();
        string? answer;
        try
        {
            answer = await Console.In.ReadLineAsync(context.Cancellation);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (answer == null)
        {
            context.Output.Err.WriteLine();
            context.Output.Warning($"no answer on stdin for execution {question.ExecutionId}; {hint}");
            return;
        }
        try
        {
            var executions = await context.Runtime.ExecutionsAsync(context.Cancellation);
            await executions.SendInputAsync(question.ExecutionId, answer.Trim(), context.Cancellation);
        }
        catch (KubiyaException ex)
        {
            context.Output.Warning($"could not send the answer: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
        }
    }
}
