using Kubiya.Server.Storage;
using Temporalio.Api.History.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// A run loaded into memory: its persisted state, its history, and the volatile bookkeeping
/// (which timers and tasks are already registered, who waits for new events).
/// </summary>
public sealed class Execution
{
    public Execution(ExecutionState state, List<HistoryEvent> history)
    {
        State = state;
        History = history;
        PersistedEvents = history.Count;
        HistorySizeBytes = history.Sum(h => (long)h.CalculateSize());
    }

    public ExecutionState State { get; }
    public List<HistoryEvent> History { get; }
    /// <summary>How many leading events of <see cref="History"/> are already in the database.</summary>
    public int PersistedEvents { get; set; }
    public bool IsNew { get; set; }
    /// <summary>The visibility columns as last written (null: unknown, so the next save writes them all).</summary>
    public SavedVisibility? SavedVisibility { get; set; }
    /// <summary>Encoded size of <see cref="History"/>, kept up to date by the engine's append (not recomputed per task).</summary>
    public long HistorySizeBytes { get; set; }
    public bool IsOpen => State.Status == (int)Temporalio.Api.Enums.V1.WorkflowExecutionStatus.Running;
    /// <summary>Whether the run has closed, as its timers see it (set once a close is committed).</summary>
    public RunLife Life { get; } = new();
    /// <summary>Whether the engine has queued this closed run to leave its cache (WorkflowEngine.TrimCache).</summary>
    public bool ClosedNoted { get; set; }
    /// <summary>Keys of timers and task dispatches already handed to the timer queue / matching.</summary>
    public HashSet<string> Registered { get; } = new();
    /// <summary>Queries waiting for the workflow task in flight to finish.</summary>
    public List<PendingQuery> ParkedQueries { get; } = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the run next changes (new events or a state change).</summary>
    public Task ChangedTask => changed.Task;

    public void NotifyChanged()
    {
        var old = changed;
        changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }

    /// <summary>Extra persistence step (visibility rows) run inside the same transaction.</summary>
    public Action<SqliteStore, Execution>? OnSaveHook { get; set; }
}
