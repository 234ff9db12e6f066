using Google.Protobuf;
using Grpc.Core;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Schedule.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine.Schedules;

/// <summary>The schedule RPCs: validation in the caller's terms, then one engine transition each.</summary>
public sealed partial class ScheduleService
{
    private const int FutureTimes = 10;
    private const int MaxMatchingTimes = 1000;

    private static RpcException Invalid(string message) => ServerErrors.InvalidArgument(message);

    private static RpcException NotFound(string id) => ServerErrors.NotFound($"Schedule '{id}' not found.");

    /// <summary>Checks a schedule definition and returns it with its spec in canonical form.</summary>
    private Schedule Validate(string ns, Schedule? schedule)
    {
        if (schedule == null) throw Invalid("Schedule is not set on request.");
        var s = schedule.Clone();
        try { s.Spec = CompiledSpec.Compile(s.Spec).Canonical; }
        catch (SpecException ex) { throw Invalid($"Invalid schedule spec: {ex.Message}."); }
        var wf = s.Action?.StartWorkflow ?? throw Invalid("Schedule action is not set: a schedule needs an action (start_workflow).");
        WorkflowEngine.Require(wf.WorkflowId, "Schedule action workflow_id");
        WorkflowEngine.Require(wf.WorkflowType?.Name, "Schedule action workflow_type");
        WorkflowEngine.Require(wf.TaskQueue?.Name, "Schedule action task_queue");
        Engine.CheckPayloads(wf.Input, "Schedule action input");
        if (s.Policies?.CatchupWindow is { } cw && Clock.Ms(cw) < 0) throw Invalid("Invalid schedule policies: catchup_window cannot be negative.");
        if (s.State is { LimitedActions: true, RemainingActions: < 0 }) throw Invalid("Invalid schedule state: remaining_actions cannot be negative.");
        Engine.ValidateSearchAttributes?.Invoke(ns, wf.SearchAttributes);
        return s;
    }

    private ScheduleRecord Get(string ns, string id)
    {
        WorkflowEngine.Require(id, "ScheduleId");
        return records.TryGetValue((ns, id), out var r) ? r : throw NotFound(id);
    }

    public Task<CreateScheduleResponse> CreateAsync(CreateScheduleRequest req)
    {
        Engine.Namespaces.Get(req.Namespace);
        WorkflowEngine.Require(req.ScheduleId, "ScheduleId");
        if (req.ScheduleId.Length > 1000) throw Invalid("ScheduleId exceeds the length limit of 1000.");
        var schedule = Validate(req.Namespace, req.Schedule);
        Engine.ValidateSearchAttributes?.Invoke(req.Namespace, req.SearchAttributes);
        if (req.Memo != null) foreach (var p in req.Memo.Fields.Values) Engine.CheckPayload(p, "Memo");
        return Engine.MutateAsync(tx =>
        {
            if (records.TryGetValue((req.Namespace, req.ScheduleId), out var existing))
            {
                if (!string.IsNullOrEmpty(req.RequestId) && existing.CreateRequestId == req.RequestId)
                    return new CreateScheduleResponse { ConflictToken = Token(existing) };
                throw ServerErrors.Make(StatusCode.AlreadyExists, $"Schedule '{req.ScheduleId}' already exists.",
                    new Temporalio.Api.ErrorDetails.V1.WorkflowExecutionAlreadyStartedFailure { StartRequestId = existing.CreateRequestId });
            }
            var now = Clock.NowMs();
            var r = new ScheduleRecord
            {
                Namespace = req.Namespace,
                ScheduleId = req.ScheduleId,
                Memo = req.Memo?.Fields.Count > 0 ? req.Memo.ToByteArray() : null,
                SearchAttributes = req.SearchAttributes?.IndexedFields.Count > 0 ? req.SearchAttributes.ToByteArray() : null,
                CreateRequestId = req.RequestId ?? "",
                CreateTimeMs = now,
                UpdateTimeMs = now,
                ProcessedThroughMs = now,
            };
            r.Schedule = schedule;
            if (req.InitialPatch != null) ApplyPatch(r, req.InitialPatch, now);
            Process(tx, r, now);
            Save(tx, r);
            return new CreateScheduleResponse { ConflictToken = Token(r) };
        });
    }

    public Task<DescribeScheduleResponse> DescribeAsync(DescribeScheduleRequest req)
    {
        Engine.Namespaces.Get(req.Namespace);
        return Engine.MutateAsync(tx =>
        {
            // Bring it up to date first, so running workflows and counters are current.
            var r = Get(req.Namespace, req.ScheduleId).Copy();
            var now = Clock.NowMs();
            Process(tx, r, now);
            Save(tx, r);
            var resp = new DescribeScheduleResponse
            {
                Schedule = r.Schedule.Clone(),
                Info = Info(r, now),
                ConflictToken = Token(r),
            };
            if (r.Memo != null) resp.Memo = Memo.Parser.ParseFrom(r.Memo);
            if (r.SearchAttributes != null) resp.SearchAttributes = SearchAttributes.Parser.ParseFrom(r.SearchAttributes);
            return resp;
        });
    }

    private ScheduleInfo Info(ScheduleRecord r, long now)
    {
        var info = new ScheduleInfo
        {
            ActionCount = r.ActionCount,
            MissedCatchupWindow = r.MissedCatchupWindow,
            OverlapSkipped = r.OverlapSkipped,
            BufferDropped = r.BufferDropped,
            BufferSize = r.Buffer.Count,
            CreateTime = Clock.Ts(r.CreateTimeMs),
            UpdateTime = r.UpdateTimeMs > r.CreateTimeMs ? Clock.Ts(r.UpdateTimeMs) : null,
        };
        foreach (var w in r.Running) info.RunningWorkflows.Add(new WorkflowExecution { WorkflowId = w.WorkflowId, RunId = w.RunId });
        info.RecentActions.AddRange(r.Recent.Select(ActionResult));
        info.FutureActionTimes.AddRange(Future(r, now, FutureTimes).Select(Clock.Ts));
        return info;
    }

    private static ScheduleActionResult ActionResult(RecentAction a) => new()
    {
        ScheduleTime = Clock.Ts(a.ScheduleTimeMs),
        ActualTime = Clock.Ts(a.ActualTimeMs),
        StartWorkflowResult = new WorkflowExecution { WorkflowId = a.WorkflowId, RunId = a.RunId },
        StartWorkflowStatus = (Temporalio.Api.Enums.V1.WorkflowExecutionStatus)a.Status,
    };

    /// <summary>The next action times: none beyond the remaining actions of a limited schedule.</summary>
    private static List<long> Future(ScheduleRecord r, long now, int count)
    {
        if (r.Schedule.State is { LimitedActions: true } st) count = (int)Math.Min(count, Math.Max(0, st.RemainingActions));
        var from = r.Schedule.State?.Paused == true ? now : Math.Min(r.ProcessedThroughMs, now);
        var list = new List<long>();
        var t = from;
        while (list.Count < count && r.Spec.Next(t, r.JitterSeed) is { } n)
        {
            t = n.NominalMs;
            if (n.ActualMs > now) list.Add(n.ActualMs);
        }
        return list;
    }

    private static ByteString Token(ScheduleRecord r) => ByteString.CopyFrom(BitConverter.GetBytes(r.ConflictToken));

    public Task<UpdateScheduleResponse> UpdateAsync(UpdateScheduleRequest req)
    {
        Engine.Namespaces.Get(req.Namespace);
        WorkflowEngine.Require(req.ScheduleId, "ScheduleId");
        var schedule = Validate(req.Namespace, req.Schedule);
        Engine.ValidateSearchAttributes?.Invoke(req.Namespace, req.SearchAttributes);
        return Engine.MutateAsync(tx =>
        {
            var r = Get(req.Namespace, req.ScheduleId).Copy();
            if (!req.ConflictToken.IsEmpty && !req.ConflictToken.Equals(Token(r)))
                throw ServerErrors.Make(StatusCode.FailedPrecondition,
                    $"Schedule '{req.ScheduleId}' was changed since it was read (mismatched conflict token); describe it again and retry the update.");
            var now = Clock.NowMs();
            RefreshRunning(r);
            CollectDue(r, now);
            r.Schedule = schedule;
            if (req.SearchAttributes != null)
                r.SearchAttributes = req.SearchAttributes.IndexedFields.Count > 0 ? req.SearchAttributes.ToByteArray() : null;
            r.ConflictToken++;
            r.UpdateTimeMs = now;
            // The new spec applies from now on: earlier times are not re-evaluated.
            r.ProcessedThroughMs = now;
            Process(tx, r, now);
            Save(tx, r);
            return new UpdateScheduleResponse();
        });
    }

    public Task<PatchScheduleResponse> PatchAsync(PatchScheduleRequest req)
    {
        Engine.Namespaces.Get(req.Namespace);
        WorkflowEngine.Require(req.ScheduleId, "ScheduleId");
        if (req.Patch == null) throw Invalid("Patch is not set on request.");
        if (!string.IsNullOrEmpty(req.Patch.Pause) && !string.IsNullOrEmpty(req.Patch.Unpause))
            throw Invalid("A patch cannot both pause and unpause a schedule.");
        foreach (var b in req.Patch.BackfillRequest)
        {
            if (b.StartTime == null || b.EndTime == null) throw Invalid("Backfill needs both start_time and end_time.");
            if (b.EndTime.ToDateTimeOffset() < b.StartTime.ToDateTimeOffset()) throw Invalid("Backfill end_time is before its start_time.");
        }
        return Engine.MutateAsync(tx =>
        {
            var r = Get(req.Namespace, req.ScheduleId).Copy();
            var now = Clock.NowMs();
            RefreshRunning(r);
            CollectDue(r, now);
            ApplyPatch(r, req.Patch, now);
            Process(tx, r, now);
            Save(tx, r);
            return new PatchScheduleResponse();
        });
    }

    /// <summary>Pause / unpause with a note, trigger now, backfill: the manual ones go to the buffer.</summary>
    private static void ApplyPatch(ScheduleRecord r, SchedulePatch patch, long now)
    {
        var state = r.Schedule.State ?? new ScheduleState();
        if (!string.IsNullOrEmpty(patch.Pause)) { state.Paused = true; state.Notes = patch.Pause; }
        if (!string.IsNullOrEmpty(patch.Unpause))
        {
            state.Paused = false;
            state.Notes = patch.Unpause;
            r.ProcessedThroughMs = Math.Max(r.ProcessedThroughMs, now);
        }
        r.Schedule.State = state;
        r.Schedule = r.Schedule;
        if (patch.TriggerImmediately is { } trigger)
        {
            var at = trigger.ScheduledTime != null ? (long)(trigger.ScheduledTime.ToDateTimeOffset().ToUnixTimeMilliseconds()) : now;
            r.Buffer.Add(new BufferedStart { NominalMs = at, ActualMs = at, Overlap = (int)trigger.OverlapPolicy, Manual = true });
        }
        foreach (var b in patch.BackfillRequest)
        {
            var from = b.StartTime.ToDateTimeOffset().ToUnixTimeMilliseconds();
            var to = b.EndTime.ToDateTimeOffset().ToUnixTimeMilliseconds();
            var t = from;
            while (r.Spec.Next(t, r.JitterSeed) is { } n && n.ActualMs <= to)
            {
                t = n.NominalMs;
                if (r.Buffer.Count >= MaxBuffer) { r.BufferDropped++; continue; }
                r.Buffer.Add(new BufferedStart { NominalMs = n.NominalMs, ActualMs = n.ActualMs, Overlap = (int)b.OverlapPolicy, Manual = true });
            }
        }
    }

    public Task<DeleteScheduleResponse> DeleteAsync(DeleteScheduleRequest req)
    {
        Engine.Namespaces.Get(req.Namespace);
        return Engine.MutateAsync(tx =>
        {
            Remove(tx, Get(req.Namespace, req.ScheduleId));
            return new DeleteScheduleResponse();
        });
    }

    public Task<ListScheduleMatchingTimesResponse> MatchingTimesAsync(ListScheduleMatchingTimesRequest req)
    {
        Engine.Namespaces.Get(req.Namespace);
        if (req.StartTime == null || req.EndTime == null) throw Invalid("ListScheduleMatchingTimes needs both start_time and end_time.");
        if (req.EndTime.ToDateTimeOffset() < req.StartTime.ToDateTimeOffset()) throw Invalid("end_time is before start_time.");
        return Engine.ReadAsync(() =>
        {
            var r = Get(req.Namespace, req.ScheduleId);
            var resp = new ListScheduleMatchingTimesResponse();
            foreach (var t in r.Spec.Times(req.StartTime.ToDateTimeOffset().ToUnixTimeMilliseconds(),
                         req.EndTime.ToDateTimeOffset().ToUnixTimeMilliseconds(), r.JitterSeed, MaxMatchingTimes))
                resp.StartTime.Add(Clock.Ts(t));
            return resp;
        });
    }

    public Task<ListSchedulesResponse> ListAsync(ListSchedulesRequest req)
    {
        Engine.Namespaces.Get(req.Namespace);
        var filter = ScheduleQueryFilter.Parse(req.Query);
        var pageSize = req.MaximumPageSize is > 0 and <= 1000 ? req.MaximumPageSize : 1000;
        var after = req.NextPageToken.IsEmpty ? null : req.NextPageToken.ToStringUtf8();
        return Engine.ReadAsync(() =>
        {
            var now = Clock.NowMs();
            var resp = new ListSchedulesResponse();
            var matches = records.Values
                .Where(r => r.Namespace == req.Namespace && (after == null || string.CompareOrdinal(r.ScheduleId, after) > 0))
                .OrderBy(r => r.ScheduleId, StringComparer.Ordinal)
                .Where(r => filter.Matches(r, Engine));
            foreach (var r in matches)
            {
                if (resp.Schedules.Count == pageSize)
                {
                    resp.NextPageToken = ByteString.CopyFromUtf8(resp.Schedules[^1].ScheduleId);
                    break;
                }
                resp.Schedules.Add(ListEntry(r, now));
            }
            return resp;
        });
    }

    private static ScheduleListEntry ListEntry(ScheduleRecord r, long now)
    {
        var s = r.Schedule;
        var info = new ScheduleListInfo
        {
            Spec = s.Spec.Clone(),
            WorkflowType = s.Action?.StartWorkflow?.WorkflowType,
            Notes = s.State?.Notes ?? "",
            Paused = s.State?.Paused ?? false,
        };
        info.RecentActions.AddRange(r.Recent.TakeLast(5).Select(ActionResult));
        info.FutureActionTimes.AddRange(Future(r, now, 5).Select(Clock.Ts));
        var entry = new ScheduleListEntry { ScheduleId = r.ScheduleId, Info = info };
        if (r.Memo != null) entry.Memo = Memo.Parser.ParseFrom(r.Memo);
        if (r.SearchAttributes != null) entry.SearchAttributes = SearchAttributes.Parser.ParseFrom(r.SearchAttributes);
        return entry;
    }
}
