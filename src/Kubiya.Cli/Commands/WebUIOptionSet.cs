using System.CommandLine;
using Kubiya.Core.WebUI;

namespace Kubiya.Cli.Commands;

/// <summary><c>--webui-port</c> and <c>--no-webui</c> of the commands that run a worker.</summary>
internal sealed class WebUIOptionSet
{
    public Option<int?> Port { get; } = new("--webui-port")
    {
        Description = $"Serve the worker web UI on this 127.0.0.1 port, or the next free one (default {WebUISettings.PortVariable} or {WebUISettings.DefaultPort}; 0 = any free port).",
    };

    public Option<bool> Disabled { get; } = new("--no-webui")
    {
        Description = $"Serve no web UI (also {WebUISettings.DisableVariable}=1).",
    };

    public void AddTo(Command command)
    {
        command.Add(Port);
        command.Add(Disabled);
    }

    /// <summary>The port to serve on, or null when the UI is off.</summary>
    public int? Read(ParseResult parse)
    {
        if (parse.GetValue(Disabled)) return null;
        if (parse.GetValue(Port) is { } port)
        {
            if (port < 0 || port > 65535)
                throw new Core.Errors.KubiyaException(Core.Errors.KubiyaErrorKind.InvalidArgument, "InvalidWebUIPort", $"--webui-port must be from 0 to 65535 (got {port}).", port);
            return port;
        }
        return WebUISettings.Disabled() ? null : WebUISettings.Port();
    }

    /// <summary>Whether the command line names either option (so it overrides a recorded choice).</summary>
    public bool Given(ParseResult parse) => parse.GetResult(Port) is { Implicit: false } || parse.GetResult(Disabled) is { Implicit: false };

    /// <summary>The same choice as arguments, for a child worker.</summary>
    public static IEnumerable<string> Arguments(int? port) =>
        port is { } p ? new[] { "--webui-port", p.ToString(System.Globalization.CultureInfo.InvariantCulture) } : new[] { "--no-webui" };
}
