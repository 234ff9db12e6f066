using System.CommandLine;
using Kubiya.Cli.Output;
using Kubiya.Core;

namespace Kubiya.Cli.Infrastructure;

/// <summary>What a command's action works with: its parse result, the runtime, output and cancellation.</summary>
public sealed class CommandContext
{
    private KubiyaRuntime? runtime;

    internal CommandContext(ParseResult parse, OutputFormat format, CancellationToken cancellation)
    {
        Parse = parse;
        Cancellation = cancellation;
        Output = new Renderer(format, Console.Out, Console.Error);
    }

    /// <summary>The parsed command line.</summary>
    public ParseResult Parse { get; }

    /// <summary>Cancelled by Ctrl+C / SIGTERM.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Writes results in the chosen format.</summary>
    public Renderer Output { get; }

    /// <summary>The runtime (settings read once, on first use; their notices go to stderr once).</summary>
    public KubiyaRuntime Runtime
    {
        get
        {
            if (runtime != null) return runtime;
            runtime = KubiyaRuntime.Create();
            Core.Configuration.SettingsNotices.Show(runtime.Settings, Output.Warning);
            return runtime;
        }
    }

    /// <summary>The folder the command was started in.</summary>
    public string CurrentDirectory => Environment.CurrentDirectory;

    /// <summary>The value of <paramref name="option"/>.</summary>
    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    /// <summary>The value of <paramref name="argument"/>.</summary>
    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);
}
