using System.CommandLine;
using Kubiya.Cli.Output;
using Kubiya.Core.Errors;
using Kubiya.Core.Messages;

namespace Kubiya.Cli.Infrastructure;

/// <summary>
/// Runs command actions: one place that turns runtime errors into one readable line on stderr
/// and an exit code, and interruptions into <see cref="ExitCodes.Interrupted"/>.
/// </summary>
public static class CommandRunner
{
    /// <summary>The termination signals of this process (set once by the root command).</summary>
    internal static Termination? Termination { get; set; }

    /// <summary>Sets <paramref name="body"/> as the action of <paramref name="command"/>.</summary>
    public static void SetAction(this Command command, Func<CommandContext, Task<int>> body) =>
        command.SetAction((parse, _) => RunAsync(parse, body));

    private static async Task<int> RunAsync(ParseResult parse, Func<CommandContext, Task<int>> body)
    {
        var token = Termination?.Token ?? CancellationToken.None;
        var format = GlobalOptions.Format(parse);
        var context = new CommandContext(parse, format, token);
        try
        {
            return await body(context);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            context.Output.Error("interrupted");
            return ExitCodes.Interrupted;
        }
        catch (KubiyaException ex)
        {
            context.Output.Error(ex.MessageFor(KubiyaFront.Cli), ex.ErrorId);
            return ExitCodes.For(ex);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // The file system said no (a worker folder, a log, a unit file): say what, not where in the code.
            context.Output.Error(ex.Message, ex.GetType().Name);
            return ExitCodes.Failed;
        }
    }
}
