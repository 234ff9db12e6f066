using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Kubiya.Cli.Infrastructure;

namespace Kubiya.Cli.Commands;

/// <summary>The root <c>kubiya</c> command: builds the command tree and runs it.</summary>
public static class KubiyaCommand
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = Create();
        var parse = root.Parse(args);
        if (UnknownOptions.Find(parse) is { } unknown && parse.Action is not HelpAction)
        {
            var path = string.Join(" ", Path(parse.CommandResult.Command));
            Console.Error.WriteLine($"kubiya: error: Unknown option '{unknown}' for '{path}' (see '{path} --help'; a value that starts with '-' goes after '--').");
            return ExitCodes.Usage;
        }
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            // One readable line instead of the whole help text.
            var path = string.Join(" ", Path(parse.CommandResult.Command));
            var messages = parse.Errors.Select(e => System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s*[\r\n]+\s*", " ").TrimEnd('.'));
            var message = string.Join("; ", messages.Distinct()) + ".";
            Console.Error.WriteLine($"kubiya: error: {message} (see '{path} --help')");
            return ExitCodes.Usage;
        }
        using var termination = new Termination();
        CommandRunner.Termination = termination;
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = true });
    }

    /// <summary>The command tree.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("kubiya: run agent and runbook tasks as durable executions on Temporal (the embedded server by default).");
        root.Add(GlobalOptions.Output);
        root.Add(ExecCommand.Create());
        root.Add(PlanCommand.Create());
        root.Add(WorkerCommand.Create());
        root.Add(ExecutionCommand.Create());
        root.Add(AgentCommand.Create());
        root.Add(ScheduleCommand.Create());
        root.Add(ServerCommand.Create());
        root.Add(UiCommand.Create());
        return root;
    }

    private static IEnumerable<string> Path(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c != null; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c is RootCommand ? "kubiya" : c.Name);
        return names;
    }
}
