using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Kubiya.Tests.Conformance.StandaloneActivities;

/// <summary>Activities that standalone activity tests start from the client; each test has its own instance.</summary>
public sealed class StandaloneJobs
{
    private int runs;
    public int Runs => Volatile.Read(ref runs);
    /// <summary>Set when a blocking activity runs.</summary>
    public TaskCompletionSource Running { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Lets a blocking activity return.</summary>
    public TaskCompletionSource<string> Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>What a blocking activity saw when it was interrupted (cancel reason).</summary>
    public TaskCompletionSource<ActivityCancelReason> Interrupted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Activity("Greet")]
    public string Greet(string name)
    {
        Interlocked.Increment(ref runs);
        return $"Hello, {name}";
    }

    /// <summary>Fails (retryably) until the given attempt, then reports the attempt that succeeded and the heartbeat it inherited.</summary>
    [Activity("Flaky")]
    public string Flaky(int succeedOnAttempt)
    {
        Interlocked.Increment(ref runs);
        var ctx = ActivityExecutionContext.Current;
        var attempt = ctx.Info.Attempt;
        var inherited = ctx.Info.HeartbeatDetails.Count > 0 ? ctx.Info.HeartbeatDetailAtAsync<string>(0).GetAwaiter().GetResult() : "none";
        if (attempt < succeedOnAttempt)
        {
            ctx.Heartbeat($"progress-{attempt}");
            throw new ApplicationFailureException($"attempt {attempt} failed", errorType: "Transient");
        }
        return $"ok on attempt {attempt} after {inherited}";
    }

    /// <summary>What the worker knows of the activity it runs.</summary>
    [Activity("Describe")]
    public string Describe()
    {
        var info = ActivityExecutionContext.Current.Info;
        return $"{info.ActivityId}|{(info.IsWorkflowActivity ? "workflow " + info.WorkflowId : "standalone")}|{info.TaskQueue}|{info.Attempt}";
    }

    /// <summary>The first run fails (retryably); every later one reports its attempt number.</summary>
    [Activity("FailOnce")]
    public string FailOnce()
    {
        var run = Interlocked.Increment(ref runs);
        var attempt = ActivityExecutionContext.Current.Info.Attempt;
        if (run == 1) throw new ApplicationFailureException("first run fails", errorType: "Transient");
        return $"attempt {attempt}";
    }

    [Activity("Broken")]
    public string Broken()
    {
        Interlocked.Increment(ref runs);
        throw new ApplicationFailureException("broken for good", errorType: "Broken", nonRetryable: true);
    }

    /// <summary>Heartbeats until released or interrupted (cancel, terminate, timeout).</summary>
    [Activity("Block")]
    public async Task<string> Block()
    {
        Interlocked.Increment(ref runs);
        var ctx = ActivityExecutionContext.Current;
        Running.TrySetResult();
        try
        {
            while (!Release.Task.IsCompleted)
            {
                ctx.Heartbeat("alive");
                await Task.WhenAny(Release.Task, Task.Delay(200, ctx.CancellationToken));
                ctx.CancellationToken.ThrowIfCancellationRequested();
            }
            return await Release.Task;
        }
        catch (OperationCanceledException)
        {
            Interrupted.TrySetResult(ctx.CancelReason);
            throw;
        }
    }

    /// <summary>Sleeps without heartbeating (for timeouts).</summary>
    [Activity("Sleep")]
    public async Task<string> Sleep(int milliseconds)
    {
        Interlocked.Increment(ref runs);
        await Task.Delay(milliseconds, ActivityExecutionContext.Current.CancellationToken);
        return "slept";
    }
}
