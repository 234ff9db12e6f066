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
        var root = Create(args.Length > 0 ? args[0] : null);
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
            var messages = parse.Errors.Select(e => ParseMessages.Readable(System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s*[\r\n]+\s*", " ")).TrimEnd('.'));
            var message = string.Join("; ", messages.Distinct()) + ".";
            Console.Error.WriteLine($"kubiya: error: {message} (see '{path} --help')");
            return ExitCodes.Usage;
        }
        using var termination = new Termination();
        CommandRunner.Termination = termination;
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = true });
    }

    /// <summary>The top-level commands, in the order help lists them.</summary>
    private static readonly (string Name, Func<Command> Create)[] Commands =
    {
        ("exec", ExecCommand.Create),
        ("plan", PlanCommand.Create),
        ("worker", WorkerCommand.Create),
        ("execution", ExecutionCommand.Create),
        ("agent", AgentCommand.Create),
        ("schedule", ScheduleCommand.Create),
        ("server", ServerCommand.Create),
        ("ui", UiCommand.Create),
    };

    /// <summary>
    /// The command tree. When <paramref name="first"/> (the first argument) names a top-level
    /// command, only that one is built: parsing needs nothing else, and building every command's
    /// options costs each process's startup ~15 ms. Anything else (help, an option, a typo) gets the whole tree.
    /// </summary>
    public static RootCommand Create(string? first = null)
    {
        var root = new RootCommand("kubiya: run agent and runbook tasks as durable executions on Temporal (the embedded server by default).");
        root.Add(GlobalOptions.Output);
        var named = Array.FindIndex(Commands, c => c.Name == first);
        if (named >= 0)
        {
            root.Add(Commands[named].Create());
            return root;
        }
        foreach (var command in Commands) root.Add(command.Create());
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
