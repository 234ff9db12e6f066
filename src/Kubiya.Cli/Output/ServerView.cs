using Kubiya.Core.Connection;

namespace Kubiya.Cli.Output;

/// <summary>The Temporal server in json / yaml output (server start / stop / status).</summary>
public sealed class ServerView
{
    /// <summary>The address clients use.</summary>
    public string Address { get; init; } = "";
    /// <summary>embedded (the bundled server on loopback) or configured (KUBIYA_TEMPORAL_ADDRESS / config.yaml).</summary>
    public string Mode { get; init; } = "";
    /// <summary>running or stopped (embedded); reachable or unreachable (configured).</summary>
    public string State { get; init; } = "";
    /// <summary>Embedded server process id.</summary>
    public int? Pid { get; init; }
    /// <summary>Embedded server database.</summary>
    public string? DatabaseFile { get; init; }
    /// <summary>Embedded server output.</summary>
    public string? LogFile { get; init; }

    /// <summary>The view of an embedded or configured server.</summary>
    public static ServerView From(EmbeddedServerStatus s, bool? reachable = null) => s.ConfiguredAddress != null
        ? new ServerView { Address = s.Address, Mode = "configured", State = reachable == true ? "reachable" : "unreachable" }
        : new ServerView
        {
            Address = s.Address,
            Mode = "embedded",
            State = s.Listening ? "running" : "stopped",
            Pid = s.Pid,
            DatabaseFile = s.DatabaseFile,
            LogFile = s.LogFile,
        };

    /// <summary>Writes it for people.</summary>
    public void WriteText(TextWriter w)
    {
        w.WriteLine($"{"Address:",-10} {Address} ({Mode})");
        w.WriteLine($"{"State:",-10} {State}");
        if (Pid != null) w.WriteLine($"{"Pid:",-10} {Pid}");
        if (DatabaseFile != null) w.WriteLine($"{"Database:",-10} {DatabaseFile}");
        if (LogFile != null) w.WriteLine($"{"Log:",-10} {LogFile}");
    }
}
