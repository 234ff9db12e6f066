using Kubiya.Core.Workers;

namespace Kubiya.Cli.Output;

/// <summary>A daemon worker in json / yaml output (worker status, start -d, list).</summary>
public sealed class WorkerView
{
    /// <summary>Queue served.</summary>
    public string QueueId { get; init; } = "";
    /// <summary>running, restarting (the worker died and waits for its restart), stopping or stopped.</summary>
    public string State { get; init; } = "";
    /// <summary>True when a pid file named a process that is gone (the daemon died without cleaning up).</summary>
    public bool StalePidFile { get; init; }
    /// <summary>Supervisor process id (while it runs).</summary>
    public int? Pid { get; init; }
    /// <summary>Worker process id (while one runs).</summary>
    public int? WorkerPid { get; init; }
    /// <summary>Restarts after the worker died.</summary>
    public int Restarts { get; init; }
    /// <summary>When the daemon started (ISO 8601, UTC).</summary>
    public string? StartedAt { get; init; }
    /// <summary>Daemon version.</summary>
    public string? Version { get; init; }
    /// <summary>Current log file.</summary>
    public string LogPath { get; init; } = "";
    /// <summary>Exit code of the worker's last death.</summary>
    public int? LastExitCode { get; init; }
    /// <summary>When it last died.</summary>
    public string? LastExitAt { get; init; }
    /// <summary>Where its worker serves the web UI (address only; the token is in its log), while it does.</summary>
    public string? WebUI { get; init; }

    /// <summary>The view of a daemon's status.</summary>
    public static WorkerView From(WorkerPaths paths, DaemonStatus status)
    {
        var info = status.Info;
        var live = status.State != DaemonState.Stopped;
        return new WorkerView
        {
            QueueId = paths.QueueId,
            State = status.State.ToString().ToLowerInvariant(),
            StalePidFile = status.StalePidFile,
            Pid = live ? info?.Pid : null,
            WorkerPid = live && info is { WorkerPid: > 0 } ? info.WorkerPid : null,
            Restarts = info?.Restarts ?? 0,
            StartedAt = info != null && info.StartedUtc != default ? Formats.Iso(new DateTimeOffset(info.StartedUtc, TimeSpan.Zero)) : null,
            Version = string.IsNullOrEmpty(info?.Version) ? null : info.Version,
            LogPath = string.IsNullOrEmpty(info?.LogPath) ? paths.LogFile : info.LogPath,
            LastExitCode = info?.LastExitCode,
            LastExitAt = info?.LastExitUtc is { } at ? Formats.Iso(new DateTimeOffset(at, TimeSpan.Zero)) : null,
            WebUI = live ? Core.WebUI.WebUIAddress.Read(paths) : null,
        };
    }

    /// <summary>What <c>worker status</c> prints for people.</summary>
    public void WriteText(TextWriter w)
    {
        var state = State switch
        {
            "running" => $"running (daemon pid {Pid}, worker pid {WorkerPid?.ToString() ?? "-"})",
            "restarting" => $"restarting: the worker died (exit code {LastExitCode?.ToString() ?? "?"}) and the daemon (pid {Pid}) restarts it",
            "stopping" => $"stopping: draining running steps (daemon pid {Pid})",
            _ => StalePidFile ? "stopped (stale pid file: the daemon died without cleaning up)" : "stopped",
        };
        w.WriteLine($"{"Queue:",-10} {QueueId}");
        w.WriteLine($"{"State:",-10} {state}");
        if (StartedAt != null) w.WriteLine($"{"Started:",-10} {Formats.Local(DateTimeOffset.Parse(StartedAt, System.Globalization.CultureInfo.InvariantCulture))}");
        w.WriteLine($"{"Restarts:",-10} {Restarts}");
        if (Version != null) w.WriteLine($"{"Version:",-10} {Version}");
        if (WebUI != null) w.WriteLine($"{"Web UI:",-10} {WebUI} (token in the worker log)");
        w.WriteLine($"{"Log:",-10} {LogPath}");
    }

    /// <summary>Writes a list as a table.</summary>
    public static void WriteTable(TextWriter w, IEnumerable<WorkerView> list)
    {
        var t = new TextTable("QUEUE", "STATE", "PID", "WORKER PID", "RESTARTS", "STARTED", "LOG");
        foreach (var v in list)
            t.Row(v.QueueId, v.StalePidFile ? "stopped (stale)" : v.State, v.Pid?.ToString(), v.WorkerPid?.ToString(), v.Restarts.ToString(),
                v.StartedAt == null ? null : Formats.Local(DateTimeOffset.Parse(v.StartedAt, System.Globalization.CultureInfo.InvariantCulture)), v.LogPath);
        t.Write(w);
    }
}
