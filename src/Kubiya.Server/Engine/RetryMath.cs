using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;

namespace Kubiya.Server.Engine;

/// <summary>Server-side retry decisions, following Temporal's RetryPolicy semantics.</summary>
public static class RetryMath
{
    /// <summary>Why a retry policy is invalid (Temporal's rules), or null when it is valid.</summary>
    public static string? Problem(RetryPolicy? p)
    {
        if (p == null) return null;
        if (p.MaximumAttempts < 0) return "MaximumAttempts cannot be negative on a retry policy.";
        if (p.BackoffCoefficient != 0 && p.BackoffCoefficient < 1) return "BackoffCoefficient cannot be less than 1 on a retry policy.";
        var initial = Clock.Ms(p.InitialInterval);
        var max = Clock.Ms(p.MaximumInterval);
        if (initial < 0) return "InitialInterval cannot be negative on a retry policy.";
        if (max < 0) return "MaximumInterval cannot be negative on a retry policy.";
        if (max > 0 && max < initial) return "MaximumInterval cannot be less than InitialInterval on a retry policy.";
        return null;
    }

    /// <summary>Fills Temporal's defaults into an activity retry policy.</summary>
    public static RetryPolicy Normalize(RetryPolicy? p)
    {
        var r = p?.Clone() ?? new RetryPolicy();
        if (Clock.Ms(r.InitialInterval) <= 0) r.InitialInterval = Clock.Dur(1000);
        if (r.BackoffCoefficient < 1) r.BackoffCoefficient = 2.0;
        if (Clock.Ms(r.MaximumInterval) <= 0) r.MaximumInterval = Clock.Dur(Clock.Ms(r.InitialInterval) * 100);
        return r;
    }

    /// <summary>
    /// Whether a failed attempt is retried and after how long. <paramref name="deadlineMs"/> is
    /// the schedule-to-close deadline, if any: a retry that would start after it is not made.
    /// </summary>
    public static (bool Retry, long BackoffMs, RetryState State) Decide(RetryPolicy p, int attempt, Failure? failure, long nowMs, long? deadlineMs)
    {
        var app = failure?.ApplicationFailureInfo;
        if (app?.NonRetryable == true || failure?.ServerFailureInfo?.NonRetryable == true) return (false, 0, RetryState.NonRetryableFailure);
        var type = app?.Type ?? (failure?.TimeoutFailureInfo != null ? "TemporalTimeout:" + failure.TimeoutFailureInfo.TimeoutType : null);
        if (type != null && p.NonRetryableErrorTypes.Contains(type)) return (false, 0, RetryState.NonRetryableFailure);
        if (p.MaximumAttempts > 0 && attempt >= p.MaximumAttempts) return (false, 0, RetryState.MaximumAttemptsReached);
        var initial = Clock.Ms(p.InitialInterval);
        var backoff = initial * Math.Pow(p.BackoffCoefficient, attempt - 1);
        var max = Clock.Ms(p.MaximumInterval);
        if (max > 0 && backoff > max) backoff = max;
        var ms = (long)Math.Min(backoff, long.MaxValue / 4);
        if (app?.NextRetryDelay != null && Clock.Ms(app.NextRetryDelay) > 0) ms = Clock.Ms(app.NextRetryDelay);
        if (deadlineMs is { } d && nowMs + ms >= d) return (false, 0, RetryState.Timeout);
        return (true, ms, RetryState.InProgress);
    }
}
