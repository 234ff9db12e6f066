using NexusRpc;
using NexusRpc.Handlers;
using Temporalio.Api.Enums.V1;
using Temporalio.Exceptions;
using Temporalio.Nexus;
using Temporalio.Workflows;

namespace Kubiya.Tests.Conformance.Nexus;

/// <summary>The Nexus service the conformance tests call: sync, failing and workflow-backed operations.</summary>
[NexusService("kubiya-conformance")]
public interface INexusTestService
{
    /// <summary>Synchronous: answers in the start request.</summary>
    [NexusOperation]
    string Echo(string text);

    /// <summary>Synchronous: fails as the argument says ("operation", "bad-request", "retry-N").</summary>
    [NexusOperation]
    string Misbehave(string mode);

    /// <summary>Asynchronous: starts <see cref="NexusHandlerWorkflow"/> with the given id and mode.</summary>
    [NexusOperation]
    string RunWorkflow(HandlerRequest request);
}

/// <summary>What a workflow-backed operation starts: the handler workflow's id and what it should do.</summary>
public sealed record HandlerRequest(string WorkflowId, string Mode, string Text, bool UseExisting = false);

/// <summary>The handler of <see cref="INexusTestService"/>; counts attempts and keeps what it saw.</summary>
[NexusServiceHandler(typeof(INexusTestService))]
public sealed class NexusTestHandler
{
    private int misbehaveAttempts;

    public int MisbehaveAttempts => misbehaveAttempts;
    /// <summary>The links the last Echo start request carried (the caller's Scheduled event).</summary>
    public IReadOnlyList<NexusLink> LastEchoLinks { get; private set; } = Array.Empty<NexusLink>();
    public string? LastEchoRequestId { get; private set; }

    [NexusOperationHandler]
    public IOperationHandler<string, string> Echo() => OperationHandler.Sync<string, string>((ctx, text) =>
    {
        LastEchoLinks = ctx.InboundLinks.ToList();
        LastEchoRequestId = ctx.RequestId;
        return "echo: " + text;
    });

    [NexusOperationHandler]
    public IOperationHandler<string, string> Misbehave() => OperationHandler.Sync<string, string>((ctx, mode) =>
    {
        var attempt = Interlocked.Increment(ref misbehaveAttempts);
        if (mode == "hang-first" && attempt == 1)
        {
            // Holds the first request well past the server's request timeout, then answers too late.
            Thread.Sleep(TimeSpan.FromSeconds(6));
            return "late answer of attempt 1";
        }
        if (mode == "operation") throw OperationException.CreateFailed("the operation refused: invalid order");
        if (mode == "bad-request") throw new HandlerException(HandlerErrorType.BadRequest, "the handler refused the request: order id missing");
        if (mode.StartsWith("retry-", StringComparison.Ordinal) && attempt <= int.Parse(mode["retry-".Length..]))
            throw new HandlerException(HandlerErrorType.Internal, $"transient handler failure on attempt {attempt}");
        return $"succeeded on attempt {attempt}";
    });

    [NexusOperationHandler]
    public IOperationHandler<HandlerRequest, string> RunWorkflow() =>
        WorkflowRunOperationHandler.FromHandleFactory((WorkflowRunOperationContext ctx, HandlerRequest request) =>
            ctx.StartWorkflowAsync((NexusHandlerWorkflow wf) => wf.RunAsync(request), new()
            {
                Id = request.WorkflowId,
                IdConflictPolicy = request.UseExisting ? WorkflowIdConflictPolicy.UseExisting : WorkflowIdConflictPolicy.Unspecified,
            }));
}

/// <summary>The workflow behind <see cref="INexusTestService.RunWorkflow"/>.</summary>
[Workflow("KubiyaNexusHandler")]
public sealed class NexusHandlerWorkflow
{
    private bool finish;

    [WorkflowRun]
    public async Task<string> RunAsync(HandlerRequest request)
    {
        switch (request.Mode)
        {
            case "fail":
                throw new ApplicationFailureException("handler workflow failed: " + request.Text, nonRetryable: true);
            case "wait":
                // Runs until signalled, or until the operation's cancel cancels this workflow.
                await Workflow.WaitConditionAsync(() => finish);
                return "finished: " + request.Text;
            case "linger":
                // Takes the cancel (the handler's cancel request succeeds) but keeps running until
                // signalled, then ends as canceled: the operation stays open after its cancel was accepted.
                try
                {
                    await Workflow.WaitConditionAsync(() => finish);
                }
                catch (OperationCanceledException) when (Workflow.CancellationToken.IsCancellationRequested)
                {
                    await Workflow.WaitConditionAsync(() => finish, CancellationToken.None);
                    throw;
                }
                return "finished: " + request.Text;
            case var m when m.StartsWith("continue-", StringComparison.Ordinal):
                var left = int.Parse(m["continue-".Length..]);
                if (left > 0)
                {
                    var next = request with { Mode = $"continue-{left - 1}", Text = request.Text + "+" };
                    throw Workflow.CreateContinueAsNewException((NexusHandlerWorkflow wf) => wf.RunAsync(next));
                }
                return "continued: " + request.Text;
            default:
                return "hello " + request.Text;
        }
    }

    [WorkflowSignal]
    public Task FinishAsync()
    {
        finish = true;
        return Task.CompletedTask;
    }
}

/// <summary>What the caller workflow should do with one operation.</summary>
public sealed record CallerRequest(
    string Endpoint,
    string Operation,
    string Text,
    HandlerRequest? Handler = null,
    double ScheduleToCloseSeconds = 0,
    double ScheduleToStartSeconds = 0,
    bool CancelAfterStart = false,
    bool CancelAtOnce = false,
    NexusOperationCancellationType CancellationType = NexusOperationCancellationType.WaitCancellationCompleted);

/// <summary>Calls one operation of <see cref="INexusTestService"/> and reports the outcome as text.</summary>
[Workflow("KubiyaNexusCaller")]
public sealed class NexusCallerWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(CallerRequest request)
    {
        var client = Workflow.CreateNexusWorkflowClient<INexusTestService>(request.Endpoint);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Workflow.CancellationToken);
        var options = new NexusWorkflowOperationOptions
        {
            CancellationToken = cancel.Token,
            CancellationType = request.CancellationType,
        };
        if (request.ScheduleToCloseSeconds > 0) options.ScheduleToCloseTimeout = TimeSpan.FromSeconds(request.ScheduleToCloseSeconds);
        if (request.ScheduleToStartSeconds > 0) options.ScheduleToStartTimeout = TimeSpan.FromSeconds(request.ScheduleToStartSeconds);
        try
        {
            if (request.CancelAtOnce)
            {
                var pending = client.StartNexusOperationAsync(svc => svc.Echo(request.Text), options);
                // Give the command a chance to reach the server, then cancel before any handler took it.
                await Workflow.DelayAsync(TimeSpan.FromSeconds(1));
                cancel.Cancel();
                var h = await pending;
                return "ok:" + await h.GetResultAsync();
            }
            if (request.CancelAfterStart)
            {
                var handle = await client.StartNexusOperationAsync(svc => svc.RunWorkflow(request.Handler!), options);
                cancel.Cancel();
                return "ok:" + await handle.GetResultAsync();
            }
            if (request.Operation.StartsWith("untyped:", StringComparison.Ordinal))
            {
                // An operation the service does not define, called by name as another SDK could.
                var untyped = Workflow.CreateNexusWorkflowClient("kubiya-conformance", request.Endpoint);
                return "ok:" + await untyped.ExecuteNexusOperationAsync<string>(request.Operation["untyped:".Length..], request.Text, options);
            }
            return "ok:" + request.Operation switch
            {
                "Echo" => await client.ExecuteNexusOperationAsync(svc => svc.Echo(request.Text), options),
                "Misbehave" => await client.ExecuteNexusOperationAsync(svc => svc.Misbehave(request.Text), options),
                _ => await client.ExecuteNexusOperationAsync(svc => svc.RunWorkflow(request.Handler!), options),
            };
        }
        catch (NexusOperationFailureException ex)
        {
            var inner = ex.InnerException;
            var detail = inner switch
            {
                TimeoutFailureException t => $"{t.TimeoutType}",
                _ => inner?.Message ?? "",
            };
            return $"nexus-failure:{inner?.GetType().Name}:{detail}";
        }
    }
}
