using Kubiya.Server.Storage;
using Google.Protobuf;
using Grpc.Core;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.ErrorDetails.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Kubiya.Server.Engine.Standalone;

/// <summary>StartActivityExecution: validation, timeouts, and the id reuse and conflict policies.</summary>
public sealed partial class StandaloneActivityService
{
    /// <summary>Longest request id and reason accepted (Temporal's default limits).</summary>
    private const int MaxIdLength = 1000;

    public async Task<StartActivityExecutionResponse> StartAsync(StartActivityExecutionRequest r)
    {
        var request = Validate(r);
        return await MutateAsync(c =>
        {
            var requestId = string.IsNullOrEmpty(r.RequestId) ? Guid.NewGuid().ToString() : r.RequestId;
            var existing = ActivityExecutionStore.CurrentRunId(Store, r.Namespace, r.ActivityId) is { } current ? Load(r.Namespace, current) : null;
            if (existing != null)
            {
                var e = existing.Record;
                // A retried start (same request id) finds the run it created.
                if (e.RequestId == requestId) return new StartActivityExecutionResponse { RunId = e.RunId, Started = true };
                if (e.IsOpen)
                {
                    if (r.IdConflictPolicy == ActivityIdConflictPolicy.UseExisting)
                        return new StartActivityExecutionResponse { RunId = e.RunId, Started = false };
                    throw AlreadyStarted($"Activity execution is already running: ActivityId {r.ActivityId}, RunId {e.RunId}.", e);
                }
                var allowed = r.IdReusePolicy switch
                {
                    ActivityIdReusePolicy.RejectDuplicate => false,
                    ActivityIdReusePolicy.AllowDuplicateFailedOnly => e.Status != (int)ActivityExecutionStatus.Completed,
                    _ => true,
                };
                if (!allowed)
                    throw AlreadyStarted(r.IdReusePolicy == ActivityIdReusePolicy.RejectDuplicate
                        ? $"Activity execution already finished and its id reuse policy rejects duplicates: ActivityId {r.ActivityId}, RunId {e.RunId}."
                        : $"Activity execution already completed successfully and its id reuse policy allows only failed ones again: ActivityId {r.ActivityId}, RunId {e.RunId}.", e);
            }
            var sa = Create(r, request, requestId);
            cache[(sa.Record.Namespace, sa.Record.RunId)] = sa;
            Touch(c, sa);
            return new StartActivityExecutionResponse { RunId = sa.Record.RunId, Started = true };
        }).ConfigureAwait(false);
    }

    private static RpcException AlreadyStarted(string message, ActivityExecutionRecord existing) =>
        ServerErrors.Make(StatusCode.AlreadyExists, message,
            new ActivityExecutionAlreadyStartedFailure { StartRequestId = existing.RequestId, RunId = existing.RunId });

    /// <summary>Checks the request as Temporal does; returns it with the normalized retry policy.</summary>
    private StartActivityExecutionRequest Validate(StartActivityExecutionRequest r)
    {
        WorkflowEngine.Require(r.Namespace, "Namespace");
        engine.Namespaces.Get(r.Namespace);
        WorkflowEngine.Require(r.ActivityId, "ActivityId");
        WorkflowEngine.Require(r.ActivityType?.Name, "ActivityType");
        WorkflowEngine.Require(r.TaskQueue?.Name, "TaskQueue");
        if (r.ActivityId.Length > MaxIdLength) throw ServerErrors.InvalidArgument($"ActivityId exceeds length limit of {MaxIdLength}.");
        if (r.RequestId.Length > MaxIdLength) throw ServerErrors.InvalidArgument($"RequestId exceeds length limit of {MaxIdLength}.");
        WorkflowEngine.CheckTimeout(r.ScheduleToCloseTimeout, "ScheduleToCloseTimeout");
        WorkflowEngine.CheckTimeout(r.ScheduleToStartTimeout, "ScheduleToStartTimeout");
        WorkflowEngine.CheckTimeout(r.StartToCloseTimeout, "StartToCloseTimeout");
        WorkflowEngine.CheckTimeout(r.HeartbeatTimeout, "HeartbeatTimeout");
        WorkflowEngine.CheckTimeout(r.StartDelay, "StartDelay");
        if (Clock.Ms(r.ScheduleToCloseTimeout) <= 0 && Clock.Ms(r.StartToCloseTimeout) <= 0)
            throw ServerErrors.InvalidArgument("A valid StartToClose or ScheduleToClose timeout is not set on request.");
        if (RetryMath.Problem(r.RetryPolicy) is { } problem) throw ServerErrors.InvalidArgument(problem);
        if (r.CompletionCallbacks.Count > 0)
            throw ServerErrors.Unsupported("Completion callbacks on standalone activities are not supported by Kubiya.Server.");
        if (r.Input != null)
            foreach (var p in r.Input.Payloads_) engine.CheckPayload(p, "Input");
        engine.ValidateSearchAttributes?.Invoke(r.Namespace, r.SearchAttributes);
        var normalized = r.Clone();
        normalized.RetryPolicy = RetryMath.Normalize(r.RetryPolicy);
        return normalized;
    }

    /// <summary>A new run in its first attempt, with Temporal's timeout rules applied.</summary>
    private static StandaloneActivity Create(StartActivityExecutionRequest original, StartActivityExecutionRequest r, string requestId)
    {
        var now = Clock.NowMs();
        var s2close = Clock.Ms(r.ScheduleToCloseTimeout);
        var s2c = Clock.Ms(r.StartToCloseTimeout);
        if (s2c <= 0 || (s2close > 0 && s2c > s2close)) s2c = s2close;
        var s2s = Clock.Ms(r.ScheduleToStartTimeout);
        if (s2close > 0 && s2s > s2close) s2s = 0;
        var hb = Math.Max(0, Clock.Ms(r.HeartbeatTimeout));
        if (hb > s2c) hb = s2c;
        // The stored request is what describe answers: the timeouts as applied, not as asked.
        r.StartToCloseTimeout = Clock.Dur(s2c);
        if (s2close > 0) r.ScheduleToCloseTimeout = Clock.Dur(s2close);
        r.ScheduleToStartTimeout = s2s > 0 ? Clock.Dur(s2s) : null;
        r.HeartbeatTimeout = hb > 0 ? Clock.Dur(hb) : null;
        r.RequestId = requestId;
        var delay = Math.Max(0, Clock.Ms(r.StartDelay));
        var record = new ActivityExecutionRecord
        {
            Namespace = r.Namespace,
            ActivityId = r.ActivityId,
            RunId = RunIds.New(),
            RequestId = requestId,
            ActivityType = r.ActivityType.Name,
            TaskQueue = r.TaskQueue.Name,
            ScheduleTimeMs = now,
            ExecutionTimeMs = now + delay,
            SearchAttributes = original.SearchAttributes is { IndexedFields.Count: > 0 } sa ? sa.ToByteArray() : null,
            Activity = new ActivityInfo
            {
                ActivityId = r.ActivityId,
                ActivityType = r.ActivityType.Name,
                TaskQueue = r.TaskQueue.Name,
                Attempt = 1,
                FirstScheduledTimeMs = now,
                ScheduledTimeMs = now + delay,
                ScheduleToStartMs = s2s,
                ScheduleToCloseMs = s2close,
                StartToCloseMs = s2c,
                HeartbeatTimeoutMs = hb,
                Attributes = r.ToByteArray(),
            },
        };
        return new StandaloneActivity(record);
    }

    /// <summary>The stored start request (input, header, metadata, timeouts as applied).</summary>
    private static StartActivityExecutionRequest RequestOf(StandaloneActivity sa) =>
        StartActivityExecutionRequest.Parser.ParseFrom(sa.Attempt.Attributes);
}
