using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Schedule.V1;

namespace Kubiya.Server.Engine.Schedules;

/// <summary>
/// One processing pass of a schedule, as Temporal's scheduler does it: note which started
/// workflows closed (and pause on failure), turn fire times that came due into buffered starts
/// (dropping those older than the catch-up window), then let the overlap policy decide which
/// buffered starts begin now, wait, or are skipped.
/// </summary>
public sealed partial class ScheduleService
{
    /// <summary>Temporal's default catch-up window (one year) and its minimum (10 seconds).</summary>
    internal static readonly long DefaultCatchupMs = (long)TimeSpan.FromDays(365).TotalMilliseconds, MinCatchupMs = 10_000;
    /// <summary>Most starts a schedule buffers; more are counted as dropped.</summary>
    internal const int MaxBuffer = 1000;
    private const int MaxRecent = 10;
    /// <summary>Identity written on the workflows a schedule starts.</summary>
    internal const string SchedulerIdentity = "temporal-scheduler";

    private void Process(WorkflowEngine.Tx tx, ScheduleRecord r, long now)
    {
        RefreshRunning(r);
        CollectDue(r, now);
        RunBuffer(tx, r, now);
    }

    private static ScheduleOverlapPolicy DefaultOverlap(ScheduleRecord r) =>
        r.Schedule.Policies?.OverlapPolicy is { } p && p != ScheduleOverlapPolicy.Unspecified ? p : ScheduleOverlapPolicy.Skip;

    private static long CatchupMs(ScheduleRecord r)
    {
        var w = r.Schedule.Policies?.CatchupWindow;
        return w == null ? DefaultCatchupMs : Math.Max(MinCatchupMs, Clock.Ms(w));
    }

    /// <summary>Drops started workflows that have closed, recording how they ended.</summary>
    private void RefreshRunning(ScheduleRecord r)
    {
        foreach (var w in r.Running.ToList())
        {
            var current = CurrentRun(r.Namespace, w);
            if (current is { IsOpen: true }) continue;
            r.Running.Remove(w);
            var status = current == null ? WorkflowExecutionStatus.Unspecified : (WorkflowExecutionStatus)current.State.Status;
            foreach (var a in r.Recent.Where(a => a.WorkflowId == w.WorkflowId)) a.Status = (int)status;
            if (r.Schedule.Policies?.PauseOnFailure == true && status is WorkflowExecutionStatus.Failed or WorkflowExecutionStatus.TimedOut)
            {
                var state = r.Schedule.State ?? new ScheduleState();
                state.Paused = true;
                state.Notes = $"Paused due to workflow failure: {w.WorkflowId}: {Visibility.SystemAttributes.StatusName(status)}";
                r.Schedule.State = state;
                r.Schedule = r.Schedule; // re-encode
            }
        }
    }

    /// <summary>
    /// The latest run of a started workflow, following retries and continue-as-new from the run
    /// the schedule started (runs created in this same transition are only in the engine cache).
    /// </summary>
    private Execution? CurrentRun(string ns, RunningWorkflow w)
    {
        var e = Engine.LoadRun(ns, w.RunId);
        for (var hops = 0; e != null && !e.IsOpen && e.State.NewRunId != null && hops < 10_000; hops++)
            e = Engine.LoadRun(ns, e.State.NewRunId);
        return e;
    }

    /// <summary>Turns the fire times that came due since the last pass into buffered starts.</summary>
    private static void CollectDue(ScheduleRecord r, long now)
    {
        var state = r.Schedule.State;
        if (state?.Paused == true)
        {
            // Times that pass while paused are not made up later.
            r.ProcessedThroughMs = Math.Max(r.ProcessedThroughMs, now);
            return;
        }
        var catchup = CatchupMs(r);
        var t = r.ProcessedThroughMs;
        while (r.Spec.Next(t, r.JitterSeed) is { } due && due.ActualMs <= now)
        {
            t = due.NominalMs;
            if (now - due.ActualMs > catchup) { r.MissedCatchupWindow++; continue; }
            if (r.Buffer.Count >= MaxBuffer) { r.BufferDropped++; continue; }
            r.Buffer.Add(new BufferedStart { NominalMs = due.NominalMs, ActualMs = due.ActualMs });
        }
        r.ProcessedThroughMs = t;
    }

    /// <summary>Applies the overlap policy of each buffered start, in order.</summary>
    private void RunBuffer(WorkflowEngine.Tx tx, ScheduleRecord r, long now)
    {
        var waiting = new List<BufferedStart>();
        foreach (var start in r.Buffer)
        {
            var policy = start.Overlap != 0 ? (ScheduleOverlapPolicy)start.Overlap : DefaultOverlap(r);
            start.Overlap = (int)policy;
            var running = r.Running.Count > 0;
            if (!running || policy == ScheduleOverlapPolicy.AllowAll)
            {
                Take(tx, r, start, now);
                continue;
            }
            switch (policy)
            {
                case ScheduleOverlapPolicy.Skip:
                    r.OverlapSkipped++;
                    break;
                case ScheduleOverlapPolicy.BufferOne:
                    if (waiting.Any(w => w.Overlap == (int)ScheduleOverlapPolicy.BufferOne)) r.BufferDropped++;
                    else waiting.Add(start);
                    break;
                case ScheduleOverlapPolicy.BufferAll:
                    waiting.Add(start);
                    break;
                case ScheduleOverlapPolicy.CancelOther:
                    foreach (var w in r.Running.Where(w => !w.CancelRequested))
                    {
                        if (CurrentRun(r.Namespace, w) is { IsOpen: true } run)
                            Engine.RequestCancel(tx, run, SchedulerIdentity, $"cancelled by schedule {r.ScheduleId} (overlap policy CancelOther)");
                        w.CancelRequested = true;
                    }
                    // The newest start replaces any earlier one waiting for the cancel to finish.
                    r.BufferDropped += waiting.RemoveAll(w => w.Overlap == (int)ScheduleOverlapPolicy.CancelOther);
                    waiting.Add(start);
                    break;
                case ScheduleOverlapPolicy.TerminateOther:
                    foreach (var w in r.Running)
                        if (CurrentRun(r.Namespace, w) is { IsOpen: true } run)
                            Engine.Terminate(tx, run, $"terminated by schedule {r.ScheduleId} (overlap policy TerminateOther)", null, SchedulerIdentity);
                    RefreshRunning(r);
                    Take(tx, r, start, now);
                    break;
            }
        }
        r.Buffer = waiting;
    }

    /// <summary>Takes one action: starts the schedule's workflow for the start's nominal time.</summary>
    private void Take(WorkflowEngine.Tx tx, ScheduleRecord r, BufferedStart start, long now)
    {
        var state = r.Schedule.State;
        if (!start.Manual)
        {
            // Scheduled (not manual) actions respect pause and the remaining-actions limit at the moment they start.
            if (state?.Paused == true) return;
            if (state is { LimitedActions: true })
            {
                if (state.RemainingActions <= 0) return;
                state.RemainingActions--;
                r.Schedule = r.Schedule;
            }
        }
        var action = r.Schedule.Action?.StartWorkflow;
        if (action == null) return;
        var workflowId = r.Schedule.Policies?.KeepOriginalWorkflowId == true
            ? action.WorkflowId
            : $"{action.WorkflowId}-{DateTimeOffset.FromUnixTimeMilliseconds(start.NominalMs - start.NominalMs % 1000):yyyy-MM-ddTHH:mm:ssZ}";
        var sa = action.SearchAttributes?.Clone() ?? new SearchAttributes();
        sa.IndexedFields["TemporalScheduledById"] = JsonPayload(r.ScheduleId, "Keyword");
        sa.IndexedFields["TemporalScheduledStartTime"] = JsonPayload(
            DateTimeOffset.FromUnixTimeMilliseconds(start.NominalMs).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture), "Datetime");
        try
        {
            var spec = Engine.SpecFromRequest(r.Namespace, workflowId, action.WorkflowType, action.TaskQueue, action.Input,
                action.WorkflowExecutionTimeout, action.WorkflowRunTimeout, action.WorkflowTaskTimeout,
                $"schedule:{r.ScheduleId}:{start.NominalMs}:{(start.Manual ? "manual" : "auto")}", SchedulerIdentity,
                action.Memo, sa, action.Header, action.RetryPolicy, null);
            Engine.ValidateSearchAttributes?.Invoke(r.Namespace, sa);
            var outcome = Engine.StartWithPolicies(tx, spec, WorkflowIdReusePolicy.AllowDuplicate, WorkflowIdConflictPolicy.Fail);
            r.ActionCount++;
            r.Running.Add(new RunningWorkflow { WorkflowId = workflowId, RunId = outcome.RunId });
            r.Recent.Add(new RecentAction
            {
                ScheduleTimeMs = start.NominalMs, ActualTimeMs = start.ActualMs, StartedAtMs = now,
                WorkflowId = workflowId, RunId = outcome.RunId, Status = (int)WorkflowExecutionStatus.Running,
            });
            if (r.Recent.Count > MaxRecent) r.Recent.RemoveRange(0, r.Recent.Count - MaxRecent);
            tx.AfterCommit.Add(() => startedBy[(r.Namespace, workflowId)] = r.ScheduleId);
        }
        catch (RpcException ex)
        {
            // Already started for this time (a retried trigger in the same second) or an invalid action: the schedule goes on.
            log.LogWarning("Schedule {Schedule} could not start {WorkflowId}: {Message}", r.ScheduleId, workflowId, ex.Status.Detail);
        }
    }

    private static Payload JsonPayload(string value, string type) => new()
    {
        Metadata =
        {
            ["encoding"] = ByteString.CopyFromUtf8("json/plain"),
            ["type"] = ByteString.CopyFromUtf8(type),
        },
        Data = ByteString.CopyFromUtf8(System.Text.Json.JsonSerializer.Serialize(value)),
    };
}
