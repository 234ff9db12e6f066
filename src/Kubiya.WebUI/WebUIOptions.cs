namespace Kubiya.WebUI;

/// <summary>How the web UI is served.</summary>
public sealed record WebUIOptions
{
    /// <summary>The port Kestrel binds on 127.0.0.1 (8088, the Kubiya default).</summary>
    public const int DefaultPort = 8088;

    /// <summary>How many ports after <see cref="Port"/> are tried when it is taken.</summary>
    public const int PortAttempts = 50;

    /// <summary>First port tried; the next free one is used when it is taken (0: any free port).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The queue of the worker the UI belongs to (Playground target, pollers, worker log); null for a standalone UI without one.</summary>
    public string? Queue { get; init; }

    /// <summary>Folder agents are looked up from and where Playground runs start by default.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Model configuration file of the worker (LiteLLM model_list); null = ~/.kubiya/models.yaml.</summary>
    public string? ModelConfigPath { get; init; }

    /// <summary>The worker this UI runs beside, when it is hosted by one.</summary>
    public WebUIWorker? Worker { get; init; }

    /// <summary>How often the overview is pushed over <c>/api/events</c>.</summary>
    public TimeSpan OverviewInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a heartbeat is pushed over every event stream.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The access token; null = a new random one.</summary>
    public string? Token { get; init; }
}

/// <summary>The worker hosting the UI: what the Overview shows about it.</summary>
public sealed record WebUIWorker
{
    /// <summary>Process id of the worker.</summary>
    public int Pid { get; init; }
    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; init; }
    /// <summary>Its state now (running, stopping...).</summary>
    public Func<string> State { get; init; } = () => "running";
    /// <summary>Its log file.</summary>
    public string? LogFile { get; init; }
}
