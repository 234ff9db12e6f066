using Google.Protobuf;
using Kubiya.Server.Storage;
using Kubiya.Server.Visibility;
using Microsoft.Extensions.Logging;
using Temporalio.Api.Enums.V1;

namespace Kubiya.Server.Engine.Standalone;

/// <summary>
/// Standalone activity executions: activities a client starts directly, without a workflow,
/// as Temporal's StartActivityExecution API does. Each is its own stored entity (its own
/// tables, Storage/ActivityExecutionStore.cs), dispatched to activity workers through the same
/// task queues as workflow activities, and completed, failed, heartbeated and cancelled by the
/// worker with its task token. Every change runs as an engine transition, so it is committed
/// before any task, deadline or waiter sees it, and the database is the only truth: after a
/// restart every open execution's tasks and deadlines are derived again from its record.
/// </summary>
public sealed partial class StandaloneActivityService : IAsyncDisposable
{
    /// <summary>Task kind (matching) and task token kind of a standalone activity attempt.</summary>
    public const string TaskKind = "sact";

    private readonly WorkflowEngine engine;
    private readonly VisibilityService visibility;
    private readonly ILogger<StandaloneActivityService> log;
    private readonly Dictionary<(string Ns, string RunId), StandaloneActivity> cache = new();
    private readonly TimerQueue timers;

    public StandaloneActivityService(WorkflowEngine engine, VisibilityService visibility, ILogger<StandaloneActivityService> log)
    {
        this.engine = engine;
        this.visibility = visibility;
        this.log = log;
        ActivityExecutionStore.EnsureSchema(engine.Store);
        Visibility = new ActivityVisibility(engine, visibility.Registry);
        timers = new TimerQueue(OnTimerAsync);
    }

    private SqliteStore Store => engine.Store;

    /// <summary>List and count over the standalone activity table.</summary>
    public ActivityVisibility Visibility { get; }

    /// <summary>Re-registers the tasks and deadlines of every open execution (start-up).</summary>
    public Task<int> RecoverAsync() => engine.ReadAsync(() =>
    {
        var open = ActivityExecutionStore.LoadOpen(Store);
        foreach (var r in open)
        {
            var a = new StandaloneActivity(r);
            cache[(r.Namespace, r.RunId)] = a;
            Reconcile(a);
        }
        return open.Count;
    });

    // ---- loading (under the engine lock) ----

    private StandaloneActivity? Load(string ns, string runId)
    {
        if (cache.TryGetValue((ns, runId), out var a)) return a;
        var r = ActivityExecutionStore.Load(Store, ns, runId);
        if (r == null) return null;
        a = new StandaloneActivity(r);
        cache[(ns, runId)] = a;
        TrimCache();
        return a;
    }

    private void TrimCache()
    {
        if (cache.Count <= 10_000) return;
        foreach (var key in cache.Where(kv => !kv.Value.Record.IsOpen).Select(kv => kv.Key).Take(cache.Count / 2).ToList())
            cache.Remove(key);
    }

    /// <summary>The execution an id (and optional run id) names, or NotFound.</summary>
    private StandaloneActivity Find(string ns, string activityId, string? runId)
    {
        engine.Namespaces.Get(ns);
        WorkflowEngine.Require(activityId, "ActivityId");
        StandaloneActivity? a;
        if (string.IsNullOrEmpty(runId))
            a = ActivityExecutionStore.CurrentRunId(Store, ns, activityId) is { } current ? Load(ns, current) : null;
        else
        {
            a = Load(ns, runId);
            if (a != null && a.Record.ActivityId != activityId) a = null;
        }
        return a ?? throw ServerErrors.NotFound("activity execution not found");
    }

    // ---- transitions ----

    /// <summary>What one transition changed: the executions to write and, after the commit, to reconcile.</summary>
    private sealed class Changes(WorkflowEngine.Tx tx)
    {
        public readonly List<StandaloneActivity> Touched = new();
        public WorkflowEngine.Tx Tx { get; } = tx;
    }

    private async Task<T> MutateAsync<T>(Func<Changes, T> apply)
    {
        Changes? changes = null;
        try
        {
            return await engine.MutateAsync(tx =>
            {
                changes = new Changes(tx);
                return apply(changes);
            }).ConfigureAwait(false);
        }
        catch
        {
            // Not committed: the next access reloads the last committed record.
            if (changes != null) foreach (var a in changes.Touched) cache.Remove((a.Record.Namespace, a.Record.RunId));
            throw;
        }
    }

    /// <summary>Marks an execution changed: written in this transition, reconciled and announced after its commit.</summary>
    private void Touch(Changes c, StandaloneActivity a)
    {
        if (c.Touched.Contains(a)) return;
        c.Touched.Add(a);
        a.Record.StateTransitions++;
        c.Tx.Writes.Add(store =>
        {
            // A paused execution with no attempt running shows as Paused; one still running an attempt stays Running until it ends.
            if (a.Record.IsOpen)
                a.Record.Status = (int)(a.Attempt.Paused && !a.Attempt.Started ? ActivityExecutionStatus.Paused : ActivityExecutionStatus.Running);
            ActivityExecutionStore.Save(store, a.Record);
            visibility.Indexer.WriteRun(store.Connection, a.Record.Namespace, a.Record.RunId, a.Record.SearchAttributes, replace: true);
        });
        c.Tx.AfterCommit.Add(() =>
        {
            Reconcile(a);
            a.NotifyChanged();
        });
    }

    // ---- tasks and deadlines ----

    /// <summary>Registers every task and deadline the record implies that is not registered yet.</summary>
    private void Reconcile(StandaloneActivity sa)
    {
        var r = sa.Record;
        if (!r.IsOpen) return;
        var a = sa.Attempt;
        var now = Clock.NowMs();
        if (!a.Started && a.Paused) { } // an operator paused it: nothing is dispatched until unpause
        else if (!a.Started)
        {
            if (a.ScheduledTimeMs <= now)
            {
                if (sa.Registered.Add($"task:{a.Attempt}:{a.DispatchStamp}"))
                    engine.Matching.Add(r.Namespace, r.TaskQueue, Matching.ActivityQueue,
                        new TaskRef(TaskKind, r.Namespace, r.ActivityId, r.RunId, a.DispatchStamp, a.Attempt));
            }
            else Timer(sa, "backoff", a.Attempt, a.ScheduledTimeMs);
            if (a.ScheduleToStartMs > 0) Timer(sa, "s2s", a.Attempt, a.ScheduledTimeMs + a.ScheduleToStartMs);
        }
        else
        {
            if (a.StartToCloseMs > 0) Timer(sa, "s2c", a.Attempt, engine.StartToCloseDeadline(a));
            if (a.HeartbeatTimeoutMs > 0) Timer(sa, "hb", a.Attempt, engine.HeartbeatDeadline(a));
        }
        if (a.ScheduleToCloseMs > 0) Timer(sa, "sc", 0, engine.ScheduleToCloseDeadline(a));
    }

    private void Timer(StandaloneActivity sa, string kind, int attempt, long dueMs)
    {
        if (sa.Registered.Add($"{kind}:{attempt}:{dueMs}"))
            timers.Add(new TimerRef(kind, sa.Record.Namespace, sa.Record.RunId, 0, attempt, dueMs));
    }

    private async Task OnTimerAsync(TimerRef t)
    {
        try
        {
            await MutateAsync(c =>
            {
                var sa = Load(t.Namespace, t.RunId);
                if (sa == null || !sa.Record.IsOpen) return true;
                var a = sa.Attempt;
                var now = Clock.NowMs();
                switch (t.Kind)
                {
                    case "backoff":
                        break; // the reconcile below dispatches the attempt now due
                    case "s2s" when !a.Started && !a.Paused && a.Attempt == t.Stamp:
                        if (now >= a.ScheduledTimeMs + a.ScheduleToStartMs) { TimeOut(c, sa, TimeoutType.ScheduleToStart); return true; }
                        break;
                    case "s2c" when a.Started && a.Attempt == t.Stamp:
                        if (now >= engine.StartToCloseDeadline(a)) { TimeOut(c, sa, TimeoutType.StartToClose); return true; }
                        break;
                    case "hb" when a.Started && a.Attempt == t.Stamp:
                        if (now >= engine.HeartbeatDeadline(a)) { TimeOut(c, sa, TimeoutType.Heartbeat); return true; }
                        break;
                    case "sc":
                        if (now >= engine.ScheduleToCloseDeadline(a)) { TimeOut(c, sa, TimeoutType.ScheduleToClose); return true; }
                        break;
                    default:
                        return true; // stale: the attempt it was set for is over
                }
                // Not due (a heartbeat moved the deadline, or a restart's grace holds it): derive it again.
                c.Tx.AfterCommit.Add(() => Reconcile(sa));
                return true;
            }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Standalone activity timer {Timer} failed", t);
        }
    }

    /// <summary>A long-poll token: the state transition count the caller last saw.</summary>
    private static ByteString PollToken(ActivityExecutionRecord r) => ByteString.CopyFrom(BitConverter.GetBytes(r.StateTransitions));

    private static long? TokenTransitions(ByteString token) =>
        token is { Length: 8 } ? BitConverter.ToInt64(token.Span) : null;

    public async ValueTask DisposeAsync()
    {
        await timers.DisposeAsync().ConfigureAwait(false);
        Visibility.Dispose();
    }
}
