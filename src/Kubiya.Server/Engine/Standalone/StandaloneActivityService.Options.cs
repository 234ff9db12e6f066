using Google.Protobuf;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using ActivityOptions = Temporalio.Api.Activity.V1.ActivityOptions;

namespace Kubiya.Server.Engine.Standalone;

/// <summary>
/// UpdateActivityExecutionOptions of a standalone activity: the fields the mask names change (or
/// all go back to the start's), and apply from the next dispatch and deadline on; an attempt
/// queued on the old task queue is dispatched again on the new one.
/// </summary>
public sealed partial class StandaloneActivityService
{
    public Task<UpdateActivityExecutionOptionsResponse> UpdateOptionsAsync(UpdateActivityExecutionOptionsRequest r)
    {
        CheckLengths(r.RequestId, "");
        if (r.RestoreOriginal && r.UpdateMask?.Paths.Count > 0)
            throw ServerErrors.InvalidArgument("restore_original cannot be combined with an update mask.");
        if (!r.RestoreOriginal && (r.ActivityOptions == null || r.UpdateMask == null || r.UpdateMask.Paths.Count == 0))
            throw ServerErrors.InvalidArgument("ActivityOptions and an UpdateMask naming the fields to change are required.");
        if (r.ActivityOptions?.RetryPolicy is { } rp && RetryMath.Problem(rp) is { } problem) throw ServerErrors.InvalidArgument(problem);
        return MutateAsync(c =>
        {
            var sa = OpenForOperation(r.Namespace, r.ActivityId, r.RunId);
            var request = RequestOf(sa);
            var original = sa.Record.OriginalAttributes ?? sa.Attempt.Attributes;
            if (r.RestoreOriginal)
            {
                var start = StartActivityExecutionRequest.Parser.ParseFrom(original);
                request.TaskQueue = start.TaskQueue;
                request.ScheduleToCloseTimeout = start.ScheduleToCloseTimeout;
                request.ScheduleToStartTimeout = start.ScheduleToStartTimeout;
                request.StartToCloseTimeout = start.StartToCloseTimeout;
                request.HeartbeatTimeout = start.HeartbeatTimeout;
                request.RetryPolicy = start.RetryPolicy;
                request.Priority = start.Priority;
            }
            else
                foreach (var path in r.UpdateMask!.Paths) Apply(request, r.ActivityOptions!, path);
            Touch(c, sa);
            sa.Record.OriginalAttributes ??= sa.Attempt.Attributes;
            Adopt(sa, request);
            return new UpdateActivityExecutionOptionsResponse { ActivityOptions = OptionsOf(request) };
        });
    }

    /// <summary>Makes <paramref name="request"/>'s options the execution's own.</summary>
    private static void Adopt(StandaloneActivity sa, StartActivityExecutionRequest request)
    {
        var a = sa.Attempt;
        sa.Record.TaskQueue = a.TaskQueue = request.TaskQueue.Name;
        a.ScheduleToCloseMs = Math.Max(0, Clock.Ms(request.ScheduleToCloseTimeout));
        a.ScheduleToStartMs = Math.Max(0, Clock.Ms(request.ScheduleToStartTimeout));
        a.StartToCloseMs = Math.Max(0, Clock.Ms(request.StartToCloseTimeout));
        a.HeartbeatTimeoutMs = Math.Max(0, Clock.Ms(request.HeartbeatTimeout));
        a.Attributes = request.ToByteArray();
        a.DispatchStamp++;
    }

    private static void Apply(StartActivityExecutionRequest request, ActivityOptions o, string path)
    {
        switch (path)
        {
            case "task_queue" or "task_queue.name" or "taskQueue" or "taskQueue.name":
                if (string.IsNullOrEmpty(o.TaskQueue?.Name)) throw ServerErrors.InvalidArgument("The task queue cannot be empty.");
                request.TaskQueue = new() { Name = o.TaskQueue.Name, Kind = TaskQueueKind.Normal };
                break;
            case "schedule_to_close_timeout" or "scheduleToCloseTimeout":
                request.ScheduleToCloseTimeout = o.ScheduleToCloseTimeout;
                break;
            case "schedule_to_start_timeout" or "scheduleToStartTimeout":
                request.ScheduleToStartTimeout = o.ScheduleToStartTimeout;
                break;
            case "start_to_close_timeout" or "startToCloseTimeout":
                if (Clock.Ms(o.StartToCloseTimeout) <= 0) throw ServerErrors.InvalidArgument("The start-to-close timeout must be positive.");
                request.StartToCloseTimeout = o.StartToCloseTimeout;
                break;
            case "heartbeat_timeout" or "heartbeatTimeout":
                request.HeartbeatTimeout = o.HeartbeatTimeout;
                break;
            case "retry_policy" or "retryPolicy":
                request.RetryPolicy = RetryMath.Normalize(o.RetryPolicy);
                break;
            case var p when p.StartsWith("retry_policy.", StringComparison.Ordinal) || p.StartsWith("retryPolicy.", StringComparison.Ordinal):
                request.RetryPolicy = WorkflowEngine.MergeRetryField(request.RetryPolicy, o.RetryPolicy, p[(p.IndexOf('.') + 1)..]);
                break;
            case "priority":
                request.Priority = o.Priority;
                break;
            default:
                throw ServerErrors.InvalidArgument($"Activity option '{path}' cannot be updated.");
        }
    }

    private static ActivityOptions OptionsOf(StartActivityExecutionRequest r) => new()
    {
        TaskQueue = new() { Name = r.TaskQueue.Name, Kind = TaskQueueKind.Normal },
        ScheduleToCloseTimeout = r.ScheduleToCloseTimeout,
        ScheduleToStartTimeout = r.ScheduleToStartTimeout,
        StartToCloseTimeout = r.StartToCloseTimeout,
        HeartbeatTimeout = r.HeartbeatTimeout,
        RetryPolicy = r.RetryPolicy,
        Priority = r.Priority,
        StartDelay = r.StartDelay,
    };
}
