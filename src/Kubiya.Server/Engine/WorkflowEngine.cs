using System.Collections.Concurrent;
using Kubiya.Server.Storage;
using Microsoft.Extensions.Logging;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// The single-node workflow engine. Every state transition runs under one lock, mutates the
/// in-memory run, and is committed to SQLite before any task, timer or waiter sees it
/// (transitions queued meanwhile share one commit: WorkflowEngine.GroupCommit.cs). A transition that throws is rolled back by dropping the touched runs from
/// the cache, so the next access reloads the last committed state.
/// </summary>
public sealed partial class WorkflowEngine : IAsyncDisposable
{
    private readonly SqliteStore store;
    private readonly ILogger log;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<(string Ns, string RunId), Execution> cache = new();
    private readonly ConcurrentDictionary<string, PendingQuery> queries = new();
    private readonly TimerQueue timers;
    private long taskIdSeq;

    public WorkflowEngine(SqliteStore store, ILogger<WorkflowEngine> log, EngineLimits? limits = null)
    {
        this.store = store;
        this.log = log;
        Limits = limits ?? new EngineLimits();
        Namespaces = new Namespaces(store);
        Matching = new Matching();
        timers = new TimerQueue(OnTimerAsync);
        taskIdSeq = Clock.NowMs() * 1000;
    }

    /// <summary>Whether writes succeed (set at start; null in engine-only tests).</summary>
    public Kubiya.Server.Storage.StorageHealth? Storage { get; set; }

    private static readonly TimeSpan StorageRecheck = TimeSpan.FromSeconds(2);

    public Namespaces Namespaces { get; }
    public Matching Matching { get; }
    public EngineLimits Limits { get; }
    public SqliteStore Store => store;
    /// <summary>Hook for extra per-run persistence (visibility), run inside each commit.</summary>
    public Action<SqliteStore, Execution>? OnSave { get; set; }

    /// <summary>Loads every open run and re-registers its tasks and deadlines (resume after restart).</summary>
    public async Task<int> RecoverAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            resumedAtMs = Clock.NowMs();
            LoadDeployments();
            var open = store.LoadOpenRunIds();
            foreach (var (ns, runId) in open)
            {
                var e = LoadRun(ns, runId);
                if (e != null) Reconcile(e);
            }
            return open.Count;
        }
        finally { gate.Release(); }
    }

    /// <summary>One engine transition: the unit of atomicity.</summary>
    internal sealed class Tx
    {
        public readonly List<Execution> Touched = new();
        public readonly List<Action> AfterCommit = new();
        public readonly List<Execution> Poked = new();
        /// <summary>Extra rows (schedules) written inside the same database transaction as the runs.</summary>
        public readonly List<Action<SqliteStore>> Writes = new();
        /// <summary>Polls whose workflow task this transition started (SyncStart), answered once it commits.</summary>
        public List<(Matching.WaiterClaim Claim, TaskRef Started)>? Claims;
        public void Touch(Execution e) { if (!Touched.Contains(e)) Touched.Add(e); }
        /// <summary>Re-derive the run's tasks and deadlines without persisting anything.</summary>
        public void Poke(Execution e) { if (!Poked.Contains(e)) Poked.Add(e); }
    }

    internal Task MutateAsync(Action<Tx> apply) => MutateAsync<bool>(tx => { apply(tx); return true; });

    /// <summary>Runs a read under the engine lock, so it never sees a half-applied transition.</summary>
    internal async Task<T> ReadAsync<T>(Func<T> read)
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try { return read(); }
        finally { gate.Release(); }
    }

    /// <summary>
    /// Closed runs in the cache, oldest first. Only the last <see cref="EngineLimits.MaxCachedClosedRuns"/>
    /// stay: a closed run is rarely read again (a later read loads it from the database), and
    /// keeping thousands of them alive made every garbage collection copy them (bench: gen0
    /// pauses of some 120 ms promoting about 8 KB per execution).
    /// </summary>
    private readonly Queue<(string Ns, string RunId)> closedRuns = new();

    /// <summary>Notes a cached run that has closed, so it leaves the cache once newer closed runs pushed it out.</summary>
    private void NoteIfClosed(Execution e)
    {
        if (e.IsOpen) return;
        e.Life.Close();
        if (e.ClosedNoted) return;
        e.ClosedNoted = true;
        closedRuns.Enqueue((e.State.Namespace, e.State.RunId));
    }

    private void TrimCache()
    {
        while (closedRuns.Count > Limits.MaxCachedClosedRuns)
        {
            var key = closedRuns.Dequeue();
            if (!cache.TryGetValue(key, out var e)) continue;
            if (e.IsOpen || e.ParkedQueries.Count > 0) { e.ClosedNoted = false; continue; }
            cache.Remove(key);
        }
        if (cache.Count <= Limits.MaxCachedRuns) return;
        foreach (var key in cache.Where(kv => !kv.Value.IsOpen && kv.Value.ParkedQueries.Count == 0)
                                 .Select(kv => kv.Key).Take(cache.Count - Limits.MaxCachedRuns / 2).ToList())
            cache.Remove(key);
    }

    // ---- loading ----

    internal Execution? LoadRun(string ns, string runId)
    {
        if (cache.TryGetValue((ns, runId), out var e)) return e;
        var state = store.LoadState(ns, runId);
        if (state == null) return null;
        e = new Execution(state, store.LoadHistory(runId));
        cache[(ns, runId)] = e;
        NoteIfClosed(e);
        return e;
    }

    internal Execution? LoadCurrent(string ns, string workflowId)
    {
        var runId = store.LoadCurrentRunId(ns, workflowId);
        return runId == null ? null : LoadRun(ns, runId);
    }

    /// <summary>Finds a run by workflow id and optional run id, or throws NotFound.</summary>
    internal Execution Find(string ns, string workflowId, string? runId)
    {
        Namespaces.Get(ns);
        if (string.IsNullOrEmpty(workflowId)) throw ServerErrors.InvalidArgument("WorkflowId is not set on request.");
        Execution? e;
        if (string.IsNullOrEmpty(runId))
            e = LoadCurrent(ns, workflowId);
        else
        {
            if (!Guid.TryParse(runId, out _)) throw ServerErrors.InvalidArgument($"Invalid RunId '{runId}'.");
            e = LoadRun(ns, runId);
            if (e != null && e.State.WorkflowId != workflowId) e = null;
        }
        return e ?? throw ServerErrors.WorkflowNotFound(workflowId, runId);
    }

    internal void AddToCache(Execution e) => cache[(e.State.Namespace, e.State.RunId)] = e;

    // ---- history primitives ----

    internal HistoryEvent NewEvent(EventType type) =>
        new() { EventType = type, EventTime = Clock.Ts(Clock.NowMs()) };

    internal long Append(Tx tx, Execution e, HistoryEvent ev)
    {
        tx.Touch(e);
        ev.EventId = e.State.NextEventId++;
        ev.TaskId = Interlocked.Increment(ref taskIdSeq);
        e.History.Add(ev);
        e.HistorySizeBytes += ev.CalculateSize();
        return ev.EventId;
    }

    private bool HasTaskInFlight(Execution e) => e.State.Wft is { StartedEventId: > 0 };

    /// <summary>
    /// Appends an event that brings news to the workflow. While a workflow task is in flight
    /// the event is buffered (history must show WorkflowTaskCompleted right after Started);
    /// otherwise it is written and a workflow task is scheduled if none is.
    /// </summary>
    internal void AppendNews(Tx tx, Execution e, params HistoryEvent[] events)
    {
        tx.Touch(e);
        if (HasTaskInFlight(e))
        {
            foreach (var ev in events) e.State.Buffered.Add(Google.Protobuf.MessageExtensions.ToByteArray(ev));
            return;
        }
        foreach (var ev in events) AppendLinked(tx, e, ev);
        EnsureWorkflowTask(tx, e);
    }

    /// <summary>Appends an event whose StartedEventId of -1 means "the event just before me".</summary>
    private void AppendLinked(Tx tx, Execution e, HistoryEvent ev)
    {
        var previous = e.State.NextEventId - 1;
        switch (ev.AttributesCase)
        {
            case HistoryEvent.AttributesOneofCase.ActivityTaskCompletedEventAttributes when ev.ActivityTaskCompletedEventAttributes.StartedEventId == -1:
                ev.ActivityTaskCompletedEventAttributes.StartedEventId = previous; break;
            case HistoryEvent.AttributesOneofCase.ActivityTaskFailedEventAttributes when ev.ActivityTaskFailedEventAttributes.StartedEventId == -1:
                ev.ActivityTaskFailedEventAttributes.StartedEventId = previous; break;
            case HistoryEvent.AttributesOneofCase.ActivityTaskTimedOutEventAttributes when ev.ActivityTaskTimedOutEventAttributes.StartedEventId == -1:
                ev.ActivityTaskTimedOutEventAttributes.StartedEventId = previous; break;
            case HistoryEvent.AttributesOneofCase.ActivityTaskCanceledEventAttributes when ev.ActivityTaskCanceledEventAttributes.StartedEventId == -1:
                ev.ActivityTaskCanceledEventAttributes.StartedEventId = previous; break;
        }
        Append(tx, e, ev);
    }

    internal int FlushBuffered(Tx tx, Execution e)
    {
        var n = e.State.Buffered.Count;
        if (n == 0) return 0;
        var buffered = e.State.Buffered.ToList();
        e.State.Buffered.Clear();
        foreach (var bytes in buffered) AppendLinked(tx, e, HistoryEvent.Parser.ParseFrom(bytes));
        return n;
    }

    /// <summary>Schedules a workflow task unless one is pending or a start delay / retry backoff holds it back.</summary>
    internal void EnsureWorkflowTask(Tx tx, Execution e)
    {
        if (e.State.Wft == null && e.IsOpen && e.State.FirstTaskDueMs == null) ScheduleWorkflowTask(tx, e, 1);
    }

    /// <summary>
    /// Schedules a workflow task. A retry (attempt &gt; 1) is transient, as in Temporal: callers pass
    /// attempt 1 when news arrived since the failure, so a retry only ever replays the same history,
    /// and its events are written only if it completes.
    /// </summary>
    internal void ScheduleWorkflowTask(Tx tx, Execution e, int attempt)
    {
        tx.Touch(e);
        var wft = new WorkflowTaskInfo
        {
            Attempt = attempt,
            ScheduledTimeMs = Clock.NowMs(),
            TaskQueue = NextWorkflowTaskQueue(e, attempt),
            TimeoutMs = WorkflowTaskTimeoutMs(e.State, attempt),
            Transient = attempt > 1,
        };
        wft.Sticky = wft.TaskQueue != e.State.TaskQueue;
        wft.ScheduledEventId = wft.Transient ? e.State.NextEventId : Append(tx, e, WorkflowTaskScheduledEvent(e, wft));
        e.State.Wft = wft;
    }

    internal HistoryEvent WorkflowTaskScheduledEvent(Execution e, WorkflowTaskInfo wft)
    {
        var ev = NewEvent(EventType.WorkflowTaskScheduled);
        ev.EventTime = Clock.Ts(wft.ScheduledTimeMs);
        ev.WorkflowTaskScheduledEventAttributes = new()
        {
            TaskQueue = new() { Name = e.State.TaskQueue, Kind = TaskQueueKind.Normal },
            StartToCloseTimeout = Clock.Dur(TimeoutOf(e.State, wft)),
            Attempt = wft.Attempt,
        };
        return ev;
    }

    /// <summary>
    /// Temporal's workflow task timeout: the run's default, growing from the fourth attempt on
    /// (5 s, 10 s, 20 s, ... up to 10 min extra) so a task that keeps failing does not spin.
    /// </summary>
    private static long WorkflowTaskTimeoutMs(ExecutionState s, int attempt)
    {
        if (attempt <= 3) return s.WorkflowTaskTimeoutMs;
        var extra = Math.Min(5_000 * Math.Pow(2, Math.Min(attempt - 4, 20)), 600_000);
        return s.WorkflowTaskTimeoutMs + (long)extra;
    }

    internal static long TimeoutOf(ExecutionState s, WorkflowTaskInfo wft) => wft.TimeoutMs > 0 ? wft.TimeoutMs : s.WorkflowTaskTimeoutMs;

    // ---- reconcile: derive tasks and deadlines from state ----

    /// <summary>
    /// Registers every task and deadline the run's state implies that is not registered yet.
    /// Called after every committed transition and for every open run at start-up, so the
    /// state in the database is the only source of truth.
    /// </summary>
    internal void Reconcile(Execution e)
    {
        var s = e.State;
        if (!e.IsOpen)
        {
            foreach (var q in e.ParkedQueries) DispatchQuery(e, q);
            e.ParkedQueries.Clear();
            return;
        }
        var now = Clock.NowMs();
        if (s.Wft is { } wft)
        {
            if (wft.StartedEventId == 0)
            {
                Dispatch(e, $"wft:{wft.ScheduledEventId}:{wft.Attempt}:{wft.TaskQueue}", wft.TaskQueue, Matching.WorkflowQueue,
                    new TaskRef(TaskToken.Workflow, s.Namespace, s.WorkflowId, s.RunId, wft.ScheduledEventId, wft.Attempt));
                if (wft.Sticky)
                    Timer(e, "wft-sticky", wft.ScheduledEventId, wft.Attempt,
                        wft.ScheduledTimeMs + (s.StickyScheduleToStartMs > 0 ? s.StickyScheduleToStartMs : 5000));
            }
            else
                Timer(e, "wft-timeout", wft.ScheduledEventId, wft.Attempt, WorkflowTaskDeadline(s, wft));
        }
        if (s.FirstTaskDueMs is { } firstTask) Timer(e, "first-task", 0, 0, firstTask);
        if (s.Wft == null && e.ParkedQueries.Count > 0)
        {
            foreach (var q in e.ParkedQueries) DispatchQuery(e, q);
            e.ParkedQueries.Clear();
        }
        foreach (var a in s.Activities.Values)
        {
            if (!a.Started && a.Paused) { } // an operator paused it: nothing is dispatched until unpause
            else if (!a.Started)
            {
                if (a.ScheduledTimeMs <= now)
                    Dispatch(e, $"act:{a.ScheduledEventId}:{a.Attempt}:{a.DispatchStamp}", a.TaskQueue, Matching.ActivityQueue,
                        new TaskRef(TaskToken.Activity, s.Namespace, s.WorkflowId, s.RunId, a.ScheduledEventId, a.Attempt));
                else
                    Timer(e, "act-backoff", a.ScheduledEventId, a.Attempt, a.ScheduledTimeMs);
                if (a.ScheduleToStartMs > 0)
                    Timer(e, "act-s2s", a.ScheduledEventId, a.Attempt, a.ScheduledTimeMs + a.ScheduleToStartMs);
            }
            else
            {
                if (a.StartToCloseMs > 0)
                    Timer(e, "act-s2c", a.ScheduledEventId, a.Attempt, StartToCloseDeadline(a));
                if (a.HeartbeatTimeoutMs > 0)
                    Timer(e, "act-hb", a.ScheduledEventId, a.Attempt, HeartbeatDeadline(a));
            }
            if (a.ScheduleToCloseMs > 0)
                Timer(e, "act-sc", a.ScheduledEventId, 0, ScheduleToCloseDeadline(a));
        }
        foreach (var t in s.Timers.Values) Timer(e, "timer", t.StartedEventId, 0, t.FireTimeMs);
        ReconcileNexus(e);
        if (s.RunDeadlineMs is { } run) Timer(e, "run-timeout", 0, 0, run);
        if (s.ExecutionDeadlineMs is { } exec) Timer(e, "exec-timeout", 0, 0, exec);
    }

    private static TaskRef QueryRef(PendingQuery q) =>
        new(TaskToken.Query, q.Namespace, q.WorkflowId, q.RunId, 0, 0, q.Id);

    private void Dispatch(Execution e, string key, string queue, int type, TaskRef task)
    {
        if (PinOfTask(e, task, queue, type) is { } pin) { key += "@" + pin; task = task with { Pin = pin }; }
        if (e.Registered.Add(key)) Matching.Add(e.State.Namespace, queue, type, task);
    }

    private void Timer(Execution e, string kind, long reference, int stamp, long dueMs)
    {
        if (e.Registered.Add($"{kind}:{reference}:{stamp}:{dueMs}"))
            timers.Add(new TimerRef(kind, e.State.Namespace, e.State.RunId, reference, stamp, dueMs) { Life = e.Life });
    }

    public async ValueTask DisposeAsync()
    {
        await timers.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Server-wide limits, matching Temporal's defaults where it has one.</summary>
public sealed record EngineLimits
{
    /// <summary>Largest single payload blob accepted (Temporal's default error limit is 2 MiB).</summary>
    public int BlobSizeLimitBytes { get; init; } = 2 * 1024 * 1024;
    public int MaxCachedRuns { get; init; } = 20_000;
    /// <summary>Most closed runs kept in memory (the most recently closed); older ones are read from the database when asked for.</summary>
    public int MaxCachedClosedRuns { get; init; } = 256;
    /// <summary>Longest a poll or history long-poll is held open before an empty answer.</summary>
    public TimeSpan LongPollTimeout { get; init; } = TimeSpan.FromSeconds(20);
    public long DefaultWorkflowTaskTimeoutMs { get; init; } = 10_000;
    /// <summary>Start activities a completing worker asks to run itself in the same transition (Temporal's eager activity dispatch).</summary>
    public bool EagerActivities { get; init; } = true;
    /// <summary>
    /// How long after a restart the server waits to hear from the workers of attempts that were
    /// running when it stopped, before their heartbeat or start-to-close deadlines (passed during
    /// the outage) time them out. Kubiya's clients retry every few seconds while the server is down.
    /// </summary>
    public TimeSpan ResumeGrace { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>History length (events) from which workflow tasks suggest continue-as-new; 0 never (Temporal's default 4 Ki).</summary>
    public long SuggestContinueAsNewEvents { get; init; } = 4 * 1024;
    /// <summary>History size (bytes) from which workflow tasks suggest continue-as-new; 0 never (Temporal's default 4 MiB).</summary>
    public long SuggestContinueAsNewBytes { get; init; } = 4 * 1024 * 1024;
}
