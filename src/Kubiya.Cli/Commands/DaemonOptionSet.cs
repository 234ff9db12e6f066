using System.CommandLine;
using Kubiya.Core.Workers;

namespace Kubiya.Cli.Commands;

/// <summary>The daemon options of <c>worker start</c> and <c>worker supervise</c> (spelled as <see cref="DaemonOptions.ToArguments"/> writes them).</summary>
internal sealed class DaemonOptionSet
{
    private static readonly DaemonOptions Defaults = new();

    public DaemonOptionSet(bool visible)
    {
        // No fixed defaults: worker-config.yaml's logging section (or config.yaml) gives them, else 100 MB and 5.
        MaxLogSize = new Option<long?>("--max-log-size") { Description = $"Rotate the daemon's worker.log beyond this many bytes (at least {DaemonOptions.MinLogBytes}; default logging.max_size_bytes of worker-config.yaml, else {Defaults.MaxLogBytes}).", Hidden = !visible };
        MaxLogBackups = new Option<int?>("--max-log-backups") { Description = $"Rotated logs kept (worker.log.1 ...; default logging.max_backups, else {Defaults.MaxLogBackups}).", Hidden = !visible };
        DrainTimeout = new Option<double>("--drain-timeout") { Description = "Seconds running steps may take to finish when the worker stops.", DefaultValueFactory = _ => Defaults.DrainTimeout.TotalSeconds, Hidden = !visible };
        // Restart pacing: documented defaults, adjustable for tests and unusual hosts.
        RestartDelay = new Option<double>("--restart-delay") { Description = "Seconds before the first restart of a dead worker; doubles on each quick death.", DefaultValueFactory = _ => Defaults.InitialBackoff.TotalSeconds, Hidden = true };
        MaxRestartDelay = new Option<double>("--max-restart-delay") { Description = "Longest restart delay in seconds.", DefaultValueFactory = _ => Defaults.MaxBackoff.TotalSeconds, Hidden = true };
        StableAfter = new Option<double>("--stable-after") { Description = "Seconds of uptime that reset the restart delay.", DefaultValueFactory = _ => Defaults.StableAfter.TotalSeconds, Hidden = true };
    }

    public Option<long?> MaxLogSize { get; }
    public Option<int?> MaxLogBackups { get; }
    public Option<double> DrainTimeout { get; }
    public Option<double> RestartDelay { get; }
    public Option<double> MaxRestartDelay { get; }
    public Option<double> StableAfter { get; }

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { MaxLogSize, MaxLogBackups, DrainTimeout, RestartDelay, MaxRestartDelay, StableAfter }) command.Add(o);
    }

    /// <summary>The options given (log limits not given come from <paramref name="settings"/>), validated.</summary>
    public DaemonOptions Read(ParseResult parse, Kubiya.Core.Configuration.KubiyaSettings settings) => new DaemonOptions
    {
        MaxLogBytes = parse.GetValue(MaxLogSize) ?? settings.LogMaxBytes,
        MaxLogBackups = parse.GetValue(MaxLogBackups) ?? settings.LogMaxBackups,
        DrainTimeout = TimeSpan.FromSeconds(parse.GetValue(DrainTimeout)),
        InitialBackoff = TimeSpan.FromSeconds(parse.GetValue(RestartDelay)),
        MaxBackoff = TimeSpan.FromSeconds(parse.GetValue(MaxRestartDelay)),
        StableAfter = TimeSpan.FromSeconds(parse.GetValue(StableAfter)),
    }.Validate();
}
