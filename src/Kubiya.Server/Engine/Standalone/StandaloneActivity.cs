namespace Kubiya.Server.Engine.Standalone;

/// <summary>
/// A standalone activity execution loaded into memory: its persisted record and the volatile
/// bookkeeping (which tasks and deadlines are registered, who waits for it to change).
/// </summary>
internal sealed class StandaloneActivity(ActivityExecutionRecord record)
{
    public ActivityExecutionRecord Record { get; } = record;
    public ActivityInfo Attempt => Record.Activity;
    /// <summary>Keys of dispatches and timers already handed to matching / the timer queue.</summary>
    public HashSet<string> Registered { get; } = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the execution next changes.</summary>
    public Task ChangedTask => changed.Task;

    public void NotifyChanged()
    {
        var old = changed;
        changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }
}
