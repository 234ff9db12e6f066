namespace Kubiya.Server.Engine;

/// <summary>
/// A long poll waiting on a task queue. It is answered once: with a task, or with nothing when its
/// wait ends. A transition may also claim it, to start a workflow task for it inside that
/// transition's own commit (<see cref="WorkflowEngine"/>, SyncStart): while claimed, no other task
/// and no end of its wait can answer it, and the claimer either finishes it with the started
/// task once the commit succeeded or releases it to wait again.
/// </summary>
internal sealed class PollWaiter(string identity, CancellationToken callerGone) : TaskCompletionSource<TaskRef?>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private const int Waiting = 0, Claimed = 1, Answered = 2;
    private readonly Lock sync = new();
    private int state;
    private bool endedWhileClaimed;

    /// <summary>The identity the poller sent.</summary>
    public string Identity { get; } = identity;

    /// <summary>Whether the poll's caller went away (or its worker shut down): an answer would reach nobody.</summary>
    public bool CallerGone => callerGone.IsCancellationRequested;

    /// <summary>Answers the poll with a task, or with nothing (null: its wait ended); false when it was answered or is claimed.</summary>
    public bool TryDeliver(TaskRef? task)
    {
        lock (sync)
        {
            if (state == Claimed && task == null) endedWhileClaimed = true;
            if (state != Waiting) return false;
            state = Answered;
        }
        return TrySetResult(task);
    }

    /// <summary>Reserves the poll for a task the caller is about to start; false when it was answered or claimed already, or its caller is gone.</summary>
    public bool TryClaim()
    {
        lock (sync)
        {
            if (state != Waiting || CallerGone) return false;
            state = Claimed;
            return true;
        }
    }

    /// <summary>
    /// Answers a claimed poll with the task started for it; false when its caller went away
    /// meanwhile (the poll ends with nothing and the task reached no worker).
    /// </summary>
    public bool Finish(TaskRef started)
    {
        lock (sync) state = Answered;
        if (CallerGone)
        {
            TrySetResult(null);
            return false;
        }
        TrySetResult(started);
        return true;
    }

    /// <summary>Undoes a claim: true when the poll waits again; false when its wait ended meanwhile (it is answered with nothing).</summary>
    public bool Release()
    {
        lock (sync)
        {
            if (!endedWhileClaimed)
            {
                state = Waiting;
                return true;
            }
            state = Answered;
        }
        TrySetResult(null);
        return false;
    }
}
