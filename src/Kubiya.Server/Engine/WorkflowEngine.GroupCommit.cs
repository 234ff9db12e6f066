using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Kubiya.Server.Engine;

/// <summary>
/// Group commit. A transition is queued; whoever holds the engine lock applies every queued
/// transition in order and commits them in one SQLite transaction (each inside its own savepoint,
/// so one that fails leaves no trace while the others commit). No caller is answered, and no
/// task, timer or waiter sees a transition, before the commit that contains it has succeeded.
/// One transaction per transition spent most of the server's time in COMMIT under load.
/// </summary>
public sealed partial class WorkflowEngine
{
    /// <summary>Most transitions committed together, so a long queue does not delay the first answers.</summary>
    private const int MaxBatch = 64;

    private readonly Queue<Transition> queued = new();

    /// <summary>A queued transition and the caller waiting for its outcome.</summary>
    private sealed class Transition(Func<Tx, object?> apply)
    {
        public readonly Func<Tx, object?> Apply = apply;
        public readonly Tx Tx = new();
        public readonly TaskCompletionSource<object?> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public object? Result;
        public Exception? Error;
    }

    internal async Task<T> MutateAsync<T>(Func<Tx, T> apply)
    {
        var t = new Transition(tx => apply(tx));
        lock (queued) queued.Enqueue(t);
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // An earlier lock holder may have committed this transition already.
            while (!t.Done.Task.IsCompleted) RunBatch();
        }
        finally { gate.Release(); }
        return (T)(await t.Done.Task.ConfigureAwait(false))!;
    }

    /// <summary>Applies and commits the queued transitions (up to <see cref="MaxBatch"/>); runs under the lock.</summary>
    private void RunBatch()
    {
        var batch = new List<Transition>();
        lock (queued)
            while (batch.Count < MaxBatch && queued.TryDequeue(out var next)) batch.Add(next);
        if (batch.Count == 0) return;
        var open = false;
        var wrote = false;
        try
        {
            // A batch of one needs no savepoint: if its writes fail, the whole transaction is rolled back.
            var alone = batch.Count == 1;
            foreach (var t in batch) Apply(t, ref open, savepoint: !alone);
            if (open)
            {
                store.Commit();
                open = false;
                wrote = true;
                Storage?.OnSuccess();
            }
        }
        catch (Exception ex)
        {
            // The commit (or the transaction itself) failed: nothing of the batch is durable.
            Storage?.OnFailure(ex);
            foreach (var t in batch)
            {
                foreach (var e in t.Tx.Touched) cache.Remove((e.State.Namespace, e.State.RunId));
                t.Error ??= ex;
            }
        }
        finally
        {
            if (open) RollbackQuietly();
        }
        if (wrote)
        {
            foreach (var t in batch)
                if (t.Error == null)
                    foreach (var e in t.Tx.Touched) NoteIfClosed(e);
            TrimCache();
        }
        foreach (var t in batch)
        {
            if (t.Error != null)
            {
                ReleaseClaims(t.Tx);
                t.Done.TrySetException(t.Error);
                continue;
            }
            try
            {
                AfterCommit(t.Tx);
                t.Done.TrySetResult(t.Result);
            }
            catch (Exception ex)
            {
                // Committed, but its tasks could not be derived: the caller hears of it, the batch goes on.
                t.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>
    /// Applies one transition in memory and writes it inside the batch's transaction, in its own
    /// savepoint when other transitions share the transaction. A transition that fails before it
    /// wrote anything (its own checks refused it: NotFound, say) leaves the transaction alone: it
    /// holds the writes of the batch's earlier transitions, which are acknowledged once it commits.
    /// </summary>
    private void Apply(Transition t, ref bool open, bool savepoint)
    {
        var tx = t.Tx;
        var inSavepoint = false;
        var wroteAlone = false;
        try
        {
            t.Result = t.Apply(tx);
            if (tx.Touched.Count == 0 && tx.Writes.Count == 0) return;
            StartTasksForWaitingPolls(tx);
            if (!open)
            {
                store.Begin();
                open = true;
            }
            if (savepoint)
            {
                store.Savepoint();
                inSavepoint = true;
            }
            else wroteAlone = true;
            foreach (var e in tx.Touched)
            {
                e.OnSaveHook = OnSave;
                store.SaveExecution(e, e.IsNew);
                // Later transitions of the batch on the same run append to what this one wrote.
                e.IsNew = false;
                e.PersistedEvents = e.History.Count;
            }
            foreach (var write in tx.Writes) write(store);
            if (inSavepoint) store.ReleaseSavepoint();
        }
        catch (Exception ex)
        {
            Storage?.OnFailure(ex);
            // The next access reloads these runs from what the batch has written so far.
            foreach (var e in tx.Touched) cache.Remove((e.State.Namespace, e.State.RunId));
            t.Error = ex;
            if (inSavepoint) store.RollbackToSavepoint(); // if this fails, RunBatch fails the whole batch
            else if (wroteAlone && open)
            {
                // Alone in its transaction: rolling the transaction back undoes exactly this transition.
                RollbackQuietly();
                open = false;
            }
            // SQLite ends the whole transaction on some errors (a full disk, an I/O error): then the
            // earlier transitions' writes are gone too, and RunBatch fails the whole batch with this error.
            if (open && !store.InTransaction) throw;
        }
    }

    /// <summary>Ends a transaction that must not commit; its own failure changes nothing (SQLite may have ended it already).</summary>
    private void RollbackQuietly()
    {
        try { store.RollbackIfOpen(); }
        catch (SqliteException ex) { log.LogWarning(ex, "rollback failed"); }
    }

    /// <summary>What a committed transition lets the world see: tasks, deadlines, waiters, post-commit actions.</summary>
    private void AfterCommit(Tx tx)
    {
        try
        {
            foreach (var e in tx.Touched)
            {
                Reconcile(e);
                e.NotifyChanged();
            }
            foreach (var e in tx.Poked) Reconcile(e);
            foreach (var a in tx.AfterCommit)
            {
                try { a(); } catch (Exception ex) { log.LogError(ex, "post-commit action failed"); }
            }
        }
        finally
        {
            // Committed: the polls get the tasks started for them.
            if (tx.Claims != null)
                foreach (var (claim, started) in tx.Claims)
                    if (!claim.Waiter.Finish(started)) _ = TimeOutUndeliveredAsync(started);
        }
    }
}
