using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Kubiya.Core;
using Kubiya.Core.Executions;
using Kubiya.Core.Workers;
using Kubiya.WebUI.Events;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;

namespace Kubiya.WebUI;

/// <summary>What every endpoint of one UI shares: the runtime, options, JSON views and live events.</summary>
internal sealed class WebUIContext(KubiyaRuntime runtime, WebUIOptions options, IWebUIViews views)
{
    public KubiyaRuntime Runtime { get; } = runtime;
    public WebUIOptions Options { get; } = options;
    public IWebUIViews Views { get; } = views;
    public EventHub Hub { get; } = new();

    /// <summary>What feeds <see cref="Hub"/> (run by the server; endpoints publish the changes they make).</summary>
    public LiveFeed Feed => feed ??= new LiveFeed(this);
    private LiveFeed? feed;
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The port bound (known once Kestrel listens).</summary>
    public int Port { get; set; }

    /// <summary>The worker folders of the UI's queue, when it has one.</summary>
    public WorkerPaths? QueuePaths => Options.Queue is { } q ? new WorkerPaths(q, Runtime.Settings.Paths) : null;

    /// <summary>The worker log shown on the Logs page.</summary>
    public string? LogFile => Options.Worker?.LogFile ?? QueuePaths?.LogFile;

    /// <summary>Product version.</summary>
    public static string Version
    {
        get
        {
            var v = typeof(WebUIContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = v.IndexOf('+');
            return plus < 0 ? v : v[..plus];
        }
    }

    /// <summary>Whether the server answers, and how fast (never throws; 3 s at most).</summary>
    public async Task<object> ServerStatusAsync(CancellationToken ct)
    {
        var s = Runtime.Settings;
        var watch = Stopwatch.StartNew();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(6));
            var connection = await Runtime.ConnectAsync(timeout.Token);
            watch.Restart();
            await connection.Client.Connection.WorkflowService.GetSystemInfoAsync(new GetSystemInfoRequest(),
                new RpcOptions { Timeout = TimeSpan.FromSeconds(3), Retry = false, CancellationToken = timeout.Token });
            return new { address = s.EffectiveAddress, @namespace = s.Namespace, reachable = true, latencyMs = Math.Round(watch.Elapsed.TotalMilliseconds, 1), error = (string?)null };
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            return new { address = s.EffectiveAddress, @namespace = s.Namespace, reachable = false, latencyMs = (double?)null, error = Describe(ex) };
        }
    }

    /// <summary>The Overview page's data (also pushed over <c>/api/events</c> every few seconds).</summary>
    public async Task<object> OverviewAsync(CancellationToken ct)
    {
        var server = await ServerStatusAsync(ct);
        IReadOnlyList<ExecutionInfo> recent = Array.Empty<ExecutionInfo>();
        string? executionsError = null;
        try
        {
            var executions = await Runtime.ExecutionsAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            recent = await executions.ListAsync(new ExecutionFilter { First = 10 }, timeout.Token);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested) { executionsError = Describe(ex); }
        LastRecent = recent;
        var w = Options.Worker;
        using var me = Process.GetCurrentProcess();
        return new
        {
            version = Version,
            os = RuntimeInformation.OSDescription,
            runtime = RuntimeInformation.FrameworkDescription,
            machine = Environment.MachineName,
            uiPid = Environment.ProcessId,
            uiStartedAt = Iso(StartedAt),
            uiMemoryMb = Math.Round(me.WorkingSet64 / 1048576.0, 1),
            queue = Options.Queue,
            worker = w == null ? null : new { pid = w.Pid, queue = Options.Queue, state = w.State(), startedAt = Iso(w.StartedAt), uptimeSeconds = (long)(DateTimeOffset.UtcNow - w.StartedAt).TotalSeconds, logFile = w.LogFile },
            daemons = DaemonWorkers.All(Runtime.Settings.Paths).Where(kv => kv.Value.Info != null).Select(kv => Views.Worker(new WorkerPaths(kv.Key, Runtime.Settings.Paths), kv.Value)).ToList(),
            server,
            recentExecutions = recent.Select(Views.Execution).ToList(),
            executionsError,
            recentEvents = Hub.Recent(15, "execution").Select(e => new { id = e.Id, type = e.Type, time = Iso(e.Time), data = System.Text.Json.JsonDocument.Parse(e.Json).RootElement }).ToList(),
            eventClients = Hub.Subscribers,
        };
    }

    /// <summary>The executions the last overview listed (to tell status changes apart).</summary>
    public IReadOnlyList<ExecutionInfo> LastRecent { get; private set; } = Array.Empty<ExecutionInfo>();

    public static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An error in the user's terms (no type names, no raw transport text).</summary>
    public static string Describe(Exception ex) => ex switch
    {
        Core.Errors.KubiyaException k => k.Message,
        Temporalio.Exceptions.RpcException r => Core.Connection.TransportReason.Describe(r),
        OperationCanceledException => "no answer in time",
        _ => ex.Message,
    };
}
