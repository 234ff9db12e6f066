using Kubiya.Server.Storage;
using Microsoft.Extensions.Logging;

namespace Kubiya.Server.Engine.Schedules;

/// <summary>
/// Temporal schedules served by the embedded engine. Each schedule is a row in SQLite and a
/// record in memory; every change runs as an engine transition (under the engine lock, written
/// in the same database transaction as the workflows it starts). Fire times are timers in a
/// dedicated <see cref="TimerQueue"/>: one wake-up per schedule at its next action time, plus
/// one when a workflow it started closes (for buffered starts and pause-on-failure). Nothing
/// polls: an idle server sleeps until the next fire time.
/// </summary>
public sealed partial class ScheduleService : IAsyncDisposable
{
    private readonly ILogger<ScheduleService> log;
    private readonly Dictionary<(string Ns, string Id), ScheduleRecord> records = new();
    /// <summary>Which schedule started each open workflow id, so a close can wake its schedule.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Ns, string WorkflowId), string> startedBy = new();
    /// <summary>The one wake-up registered per schedule; older timers for it are stale and ignored.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Ns, string Id), long> wakeAt = new();
    private TimerQueue? timers;
    private WorkflowEngine? engine;

    public ScheduleService(ILogger<ScheduleService> log) => this.log = log;

    private WorkflowEngine Engine => engine ?? throw new InvalidOperationException("Schedules are not attached to the engine.");

    /// <summary>Loads every schedule, hooks workflow closes, and wakes each schedule once (catch-up after downtime).</summary>
    public void Attach(WorkflowEngine engine)
    {
        this.engine = engine;
        engine.Schedules = this;
        ScheduleStore.EnsureSchema(engine.Store);
        foreach (var r in ScheduleStore.LoadAll(engine.Store))
        {
            records[(r.Namespace, r.ScheduleId)] = r;
            Index(r);
        }
        var previous = engine.OnSave;
        engine.OnSave = (store, e) =>
        {
            previous?.Invoke(store, e);
            OnRunSaved(e);
        };
        timers = new TimerQueue(OnWakeAsync);
        var now = Clock.NowMs();
        foreach (var key in records.Keys) Wake(key, now);
        if (records.Count > 0) log.LogInformation("Loaded {Count} schedules", records.Count);
    }

    /// <summary>A workflow this service started has closed for good: let its schedule react now.</summary>
    private void OnRunSaved(Execution e)
    {
        if (e.IsOpen || e.State.NewRunId != null) return;
        if (startedBy.TryGetValue((e.State.Namespace, e.State.WorkflowId), out var scheduleId))
            Wake((e.State.Namespace, scheduleId), Clock.NowMs(), force: true);
    }

    private void Index(ScheduleRecord r)
    {
        foreach (var w in r.Running) startedBy[(r.Namespace, w.WorkflowId)] = r.ScheduleId;
    }

    private void Unindex(ScheduleRecord r)
    {
        foreach (var w in r.Running) startedBy.TryRemove(((r.Namespace, w.WorkflowId)), out _);
    }

    /// <summary>Registers the schedule's next wake-up (replacing a later one; a forced one always goes in).</summary>
    private void Wake((string Ns, string Id) key, long dueMs, bool force = false)
    {
        if (timers == null) return;
        if (!force && wakeAt.TryGetValue(key, out var current) && current == dueMs) return;
        if (!force) wakeAt[key] = dueMs;
        timers.Add(new TimerRef("schedule", key.Ns, key.Id, 0, 0, dueMs));
    }

    private async Task OnWakeAsync(TimerRef t)
    {
        // Processing is idempotent (it only acts on what is due), so a stale wake-up costs nothing but a look.
        var key = (t.Namespace, t.RunId);
        try
        {
            await Engine.MutateAsync(tx =>
            {
                if (!records.TryGetValue(key, out var current)) return;
                var r = current.Copy();
                Process(tx, r, Clock.NowMs());
                Save(tx, r);
            }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Schedule {Schedule} failed to run; retrying in 1s", t.RunId);
            Wake(key, Clock.NowMs() + 1000, force: true);
        }
    }

    /// <summary>Writes the record in the transition's database transaction; publishes it and its next wake-up after commit.</summary>
    private void Save(WorkflowEngine.Tx tx, ScheduleRecord r)
    {
        tx.Writes.Add(store => ScheduleStore.Save(store, r));
        tx.AfterCommit.Add(() =>
        {
            var key = (r.Namespace, r.ScheduleId);
            if (records.TryGetValue(key, out var old)) Unindex(old);
            records[key] = r;
            Index(r);
            if (NextWakeMs(r) is { } due) Wake(key, due);
            else wakeAt.TryRemove(key, out _);
        });
    }

    private void Remove(WorkflowEngine.Tx tx, ScheduleRecord r)
    {
        tx.Writes.Add(store => ScheduleStore.Delete(store, r.Namespace, r.ScheduleId));
        tx.AfterCommit.Add(() =>
        {
            var key = (r.Namespace, r.ScheduleId);
            if (records.Remove(key, out var old)) Unindex(old);
            wakeAt.TryRemove(key, out _);
        });
    }

    /// <summary>When the schedule next needs to act on its own: its next fire time (none while paused).</summary>
    private long? NextWakeMs(ScheduleRecord r)
    {
        if (r.Schedule.State?.Paused == true) return null;
        if (r.Schedule.State is { LimitedActions: true, RemainingActions: <= 0 }) return null;
        return r.Spec.Next(r.ProcessedThroughMs, r.JitterSeed)?.ActualMs;
    }

    /// <summary>How many schedules exist (all namespaces).</summary>
    public int Count => records.Count;

    public async ValueTask DisposeAsync()
    {
        if (timers != null) await timers.DisposeAsync().ConfigureAwait(false);
    }
}
