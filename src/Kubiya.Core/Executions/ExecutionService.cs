using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Agents;
using Kubiya.Core.Agents.Llm;
using Kubiya.Core.Agents.Llm.Loop;
using Kubiya.Core.Configuration;
using Kubiya.Core.Connection;
using Kubiya.Core.Errors;
using Kubiya.Core.Workflows;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Exceptions;

namespace Kubiya.Core.Executions
{
    /// <summary>Starts, reads, lists, answers, cancels and waits for executions.</summary>
    public sealed class ExecutionService
    {
        private const int ParentContextLimit = 8 * 1024;
        private readonly KubiyaConnection connection;
        private readonly KubiyaSettings settings;

        /// <summary>Creates the service over a connection.</summary>
        public ExecutionService(KubiyaConnection connection, KubiyaSettings settings)
        {
            this.connection = connection;
            this.settings = settings;
        }

        private ITemporalClient Client => connection.Client;

        /// <summary>New execution ids: short, unique, easy to type.</summary>
        public static string NewId() => "exec-" + Guid.NewGuid().ToString("N").Substring(0, 16);

        /// <summary>
        /// Resolves the agent or team in <paramref name="lookupDirectory"/>, then starts the execution
        /// on <paramref name="queue"/>. Returns it as Pending.
        /// </summary>
        public async Task<ExecutionInfo> StartAsync(ExecutionRequest request, string queue, string lookupDirectory, CancellationToken cancellationToken,
            Action<string>? warning = null)
        {
            // A queue no Kubiya worker may poll (Start-KubiyaWorker refuses its id) would leave the run Pending for ever.
            Workers.WorkerPaths.ValidateQueueId(queue);
            // Whether the server has the agent search attribute (checked once per process): asked
            // first, so the round trip overlaps the agent lookup. Coordinator teams start their
            // members with it too.
            var attributeCheck = SearchAttributeSupport.IsAvailableAsync(connection, cancellationToken);
            var agentAttribute = request.Team != null && await attributeCheck.ConfigureAwait(false);
            var target = DirectTarget.Resolve(settings, request, lookupDirectory, warning, agentAttribute);
            var agent = target.Agent;
            var llm = target.Llm;
            var team = target.Coordinator;
            var steps = target.Steps;

            string? parentOutput = null;
            List<LlmMessage>? parentConversation = null;
            if (!string.IsNullOrEmpty(request.ParentExecutionId))
            {
                try
                {
                    var parent = await GetAsync(request.ParentExecutionId!, true, cancellationToken).ConfigureAwait(false);
                    parentOutput = parent.Output is { } o && o.Length > ParentContextLimit ? o.Substring(o.Length - ParentContextLimit) : parent.Output;
                    if (llm != null && parent.IsFinished && parent.Status != ExecutionStatus.Cancelled)
                        parentConversation = (await ReadOutcomeAsync(Client.GetWorkflowHandle(request.ParentExecutionId!), cancellationToken).ConfigureAwait(false))?.Conversation;
                }
                catch (KubiyaException ex) when (ex.Kind == KubiyaErrorKind.NotFound)
                {
                    throw new KubiyaException(KubiyaErrorKind.NotFound, "ParentExecutionNotFound", $"Parent execution '{request.ParentExecutionId}' does not exist.", request.ParentExecutionId, ex);
                }
            }

            var environment = request.Environment ?? settings.Environment;
            var input = new ExecutionInput
            {
                Prompt = request.Prompt,
                Agent = request.Team == null ? agent.Name : null,
                Team = request.Team != null ? agent.Name : null,
                Environment = environment,
                ParentExecutionId = request.ParentExecutionId,
                ParentOutput = parentOutput,
                WorkingDirectory = Combine(request.WorkingDirectory, agent.Kind == AgentKind.Llm ? agent.WorkingDirectory : null),
                AutoApprove = request.AutoApprove,
                Steps = steps,
                Llm = llm,
                Coordinator = team,
                ParentConversation = parentConversation,
                HeartbeatTimeoutSeconds = Math.Max(3, settings.StepHeartbeatInterval.TotalSeconds * 4),
                DefaultStepTimeoutSeconds = settings.ActivityTimeout.TotalSeconds,
            };
            var id = NewId();
            var memo = new Dictionary<string, object>
            {
                [MemoKeys.State] = "Pending",
                [MemoKeys.Prompt] = request.Prompt,
                [MemoKeys.Queue] = queue,
                [MemoKeys.Priority] = request.Priority.ToString().ToLowerInvariant(),
            };
            if (input.Agent != null) memo[MemoKeys.Agent] = input.Agent;
            if (input.Team != null) memo[MemoKeys.Team] = input.Team;
            if (environment != null) memo[MemoKeys.Environment] = environment;
            if (request.ParentExecutionId != null) memo[MemoKeys.Parent] = request.ParentExecutionId;
            if (request.WorkingDirectory != null) memo[MemoKeys.WorkingDirectory] = request.WorkingDirectory;
            if (llm != null)
            {
                memo[MemoKeys.Model] = llm.Model;
                memo[MemoKeys.Turns] = 0;
                memo[MemoKeys.ToolCalls] = 0;
                memo[MemoKeys.InputTokens] = 0;
                memo[MemoKeys.OutputTokens] = 0;
            }
            if (request.PlanId != null) memo[MemoKeys.PlanId] = request.PlanId;
            var options = new WorkflowOptions(id, queue)
            {
                Memo = memo,
                TypedSearchAttributes = input.Agent != null && await attributeCheck.ConfigureAwait(false)
                    ? new SearchAttributeCollection.Builder().Set(SearchAttributeSupport.Agent, input.Agent).ToSearchAttributeCollection()
                    : null,
                Priority = new Priority(PriorityKey(request.Priority)),
                Rpc = new RpcOptions { CancellationToken = cancellationToken },
            };
            try
            {
                var handle = await Client.StartWorkflowAsync(WorkflowNames.Execution, new object[] { input }, options).ConfigureAwait(false);
                return new ExecutionInfo
                {
                    Id = id,
                    RunId = handle.ResultRunId,
                    Status = ExecutionStatus.Pending,
                    Agent = input.Agent,
                    Team = input.Team,
                    Queue = queue,
                    Priority = request.Priority,
                    Prompt = request.Prompt,
                    Environment = environment,
                    WorkingDirectory = request.WorkingDirectory,
                    ParentExecutionId = request.ParentExecutionId,
                    PlanId = request.PlanId,
                    CreatedAt = DateTimeOffset.Now,
                    Progress = llm != null ? null : $"0/{steps.Count}",
                    Model = llm?.Model,
                    Turns = llm != null ? 0 : (int?)null,
                    ToolCalls = llm != null ? 0 : (int?)null,
                    InputTokens = llm != null ? 0 : (long?)null,
                    OutputTokens = llm != null ? 0 : (long?)null,
                };
            }
            catch (Exception ex)
            {
                throw RpcErrors.Translate(ex, id);
            }
        }

        /// <summary>
        /// The whole id of the execution a short id (<see cref="ExecutionIds.IsShort"/>, as narrow text
        /// tables show ids) names; any other id unchanged. A short id that matches no execution is
        /// returned unchanged (reading it then reports it not found); one that matches several is
        /// <c>AmbiguousExecutionId</c>, naming them.
        /// </summary>
        public async Task<string> ResolveIdAsync(string id, CancellationToken cancellationToken)
        {
            if (!ExecutionIds.IsShort(id)) return id;
            try
            {
                var page = await Client.ListWorkflowsPaginatedAsync($"WorkflowType = '{WorkflowNames.Execution}' AND WorkflowId STARTS_WITH '{id}'", null,
                    new WorkflowListPaginatedOptions { PageSize = 100, Rpc = new RpcOptions { CancellationToken = cancellationToken } }).ConfigureAwait(false);
                // A team's member runs start with the team's id: only whole ids are candidates.
                var matches = page.Workflows.Select(w => w.Id).Where(ExecutionIds.IsWhole).Distinct().ToList();
                if (matches.Count <= 1) return matches.Count == 1 ? matches[0] : id;
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "AmbiguousExecutionId",
                    $"'{id}' is the start of {matches.Count} execution ids ({string.Join(", ", matches.Take(5))}{(matches.Count > 5 ? ", ..." : "")}); give more of it.", id);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is KubiyaException))
            {
                throw RpcErrors.Translate(ex, id);
            }
        }

        /// <summary>
        /// Reads one execution. With <paramref name="fullOutput"/> a finished execution's whole
        /// output (not only the memo's tail) is read from its result.
        /// </summary>
        public async Task<ExecutionInfo> GetAsync(string id, bool fullOutput, CancellationToken cancellationToken) =>
            (await ReadAsync(id, fullOutput, cancellationToken).ConfigureAwait(false)).Info;

        /// <summary>Reads one execution, ending it first when it is a dead local run; Ended tells whether this call did.</summary>
        private async Task<(ExecutionInfo Info, bool Ended)> ReadAsync(string id, bool fullOutput, CancellationToken cancellationToken)
        {
            var info = await DescribeAsync(id, fullOutput, cancellationToken).ConfigureAwait(false);
            if (!await DeadLocalRuns.EndIfDeadAsync(connection, settings, this, info, cancellationToken).ConfigureAwait(false)) return (info, false);
            return (await DescribeAsync(id, fullOutput, cancellationToken).ConfigureAwait(false), true);
        }

        private async Task<ExecutionInfo> DescribeAsync(string id, bool fullOutput, CancellationToken cancellationToken)
        {
            ValidateId(id);
            try
            {
                var handle = Client.GetWorkflowHandle(id);
                var desc = await handle.DescribeAsync(new WorkflowDescribeOptions { Rpc = new RpcOptions { CancellationToken = cancellationToken } }).ConfigureAwait(false);
                var info = await ExecutionMapper.ToInfoAsync(desc).ConfigureAwait(false);
                // The memo names a step's worker once the step ended; while it runs, the server knows it.
                if (info.Status == ExecutionStatus.Running && await RunningWorkerAsync(id, cancellationToken).ConfigureAwait(false) is { } running)
                    info.Worker = running;
                if (desc.Status == Temporalio.Api.Enums.V1.WorkflowExecutionStatus.Terminated)
                    info.Error = await TerminationReasonAsync(handle, cancellationToken).ConfigureAwait(false) ?? info.Error;
                if (fullOutput && info.IsFinished && info.Status != ExecutionStatus.Cancelled)
                {
                    var outcome = await ReadOutcomeAsync(handle, cancellationToken).ConfigureAwait(false);
                    if (outcome != null)
                    {
                        info.Output = outcome.Output;
                        info.Error = outcome.Error ?? info.Error;
                    }
                }
                return info;
            }
            catch (Exception ex)
            {
                throw RpcErrors.Translate(ex, id);
            }
        }

        /// <summary>Lists executions through a visibility query (newest first).</summary>
        public async Task<IReadOnlyList<ExecutionInfo>> ListAsync(ExecutionFilter filter, CancellationToken cancellationToken)
        {
            var agentAttribute = !string.IsNullOrEmpty(filter.Agent) && await SearchAttributeSupport.IsAvailableAsync(connection, cancellationToken).ConfigureAwait(false);
            var query = ExecutionQuery.Build(filter, agentAttribute);
            var results = new List<ExecutionInfo>();
            var skipped = 0;
            byte[]? token = null;
            try
            {
                do
                {
                    var page = await Client.ListWorkflowsPaginatedAsync(query, token, new WorkflowListPaginatedOptions
                    {
                        PageSize = 100,
                        Rpc = new RpcOptions { CancellationToken = cancellationToken },
                    }).ConfigureAwait(false);
                    foreach (var wf in page.Workflows)
                    {
                        var info = await ExecutionMapper.ToInfoAsync(wf).ConfigureAwait(false);
                        if (await DeadLocalRuns.EndIfDeadAsync(connection, settings, this, info, cancellationToken).ConfigureAwait(false))
                            info = await DescribeAsync(info.Id, false, cancellationToken).ConfigureAwait(false);
                        if (!ExecutionQuery.Matches(filter, info)) continue;
                        if (skipped < filter.Skip)
                        {
                            skipped++;
                            continue;
                        }
                        // As for one execution: while a step runs, the server knows its worker.
                        if (info.Status == ExecutionStatus.Running && await RunningWorkerAsync(info.Id, cancellationToken).ConfigureAwait(false) is { } running)
                            info.Worker = running;
                        results.Add(info);
                        if (filter.First is { } first && results.Count >= first) return results;
                    }
                    token = page.NextPageToken;
                }
                while (token != null && token.Length > 0);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                if (ex is RpcException rpc && rpc.Code == RpcException.StatusCode.Unimplemented)
                    throw new KubiyaException(KubiyaErrorKind.Internal, "ListingNotSupported", $"The Temporal server at {connection.Address} does not support listing executions (visibility).", connection.Address, ex);
                throw RpcErrors.Translate(ex, "");
            }
            return results;
        }

        /// <summary>Requests cancellation; the running step is killed and the execution ends Cancelled.</summary>
        public async Task<ExecutionInfo> CancelAsync(string id, CancellationToken cancellationToken)
        {
            var (info, ended) = await ReadAsync(id, false, cancellationToken).ConfigureAwait(false);
            if (ended) return info;
            if (info.IsFinished)
                throw new KubiyaException(KubiyaErrorKind.InvalidState, "ExecutionAlreadyFinished", $"Execution '{id}' already ended ({info.Status}).", id);
            try
            {
                await Client.GetWorkflowHandle(id).CancelAsync(new WorkflowCancelOptions { Rpc = new RpcOptions { CancellationToken = cancellationToken } }).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw RpcErrors.Translate(ex, id);
            }
            return info;
        }

        /// <summary>
        /// Ends an execution at once, without its worker: for a run no worker will serve any more.
        /// Its step processes are not signalled (a live worker notices at its next heartbeat).
        /// The execution reads Cancelled, with <paramref name="reason"/> as its error.
        /// </summary>
        public async Task<ExecutionInfo> TerminateAsync(string id, string reason, CancellationToken cancellationToken)
        {
            var info = await DescribeAsync(id, false, cancellationToken).ConfigureAwait(false);
            if (info.IsFinished)
                throw new KubiyaException(KubiyaErrorKind.InvalidState, "ExecutionAlreadyFinished", $"Execution '{id}' already ended ({info.Status}).", id);
            try
            {
                await Client.GetWorkflowHandle(id).TerminateAsync(reason, new WorkflowTerminateOptions { Rpc = new RpcOptions { CancellationToken = cancellationToken } }).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw RpcErrors.Translate(ex, id);
            }
            return info;
        }

        private async Task<string?> RunningWorkerAsync(string id, CancellationToken ct)
        {
            var raw = await connection.Client.Connection.WorkflowService.DescribeWorkflowExecutionAsync(
                new Temporalio.Api.WorkflowService.V1.DescribeWorkflowExecutionRequest
                {
                    Namespace = connection.Namespace,
                    Execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = id },
                },
                new RpcOptions { CancellationToken = ct }).ConfigureAwait(false);
            return raw.PendingActivities.Select(a => a.LastWorkerIdentity).LastOrDefault(w => !string.IsNullOrEmpty(w));
        }

        private async Task<string?> TerminationReasonAsync(WorkflowHandle handle, CancellationToken ct)
        {
            try
            {
                // The close event alone: cheap however long the history is.
                var page = await connection.Client.Connection.WorkflowService.GetWorkflowExecutionHistoryAsync(
                    new Temporalio.Api.WorkflowService.V1.GetWorkflowExecutionHistoryRequest
                    {
                        Namespace = connection.Namespace,
                        Execution = new Temporalio.Api.Common.V1.WorkflowExecution { WorkflowId = handle.Id },
                        HistoryEventFilterType = Temporalio.Api.Enums.V1.HistoryEventFilterType.CloseEvent,
                    },
                    new RpcOptions { CancellationToken = ct }).ConfigureAwait(false);
                var terminated = page.History?.Events.LastOrDefault(e => e.WorkflowExecutionTerminatedEventAttributes != null);
                var reason = terminated?.WorkflowExecutionTerminatedEventAttributes.Reason;
                return string.IsNullOrWhiteSpace(reason) ? null : "Terminated: " + reason;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                return null;
            }
        }

        /// <summary>Answers the question an execution waits on.</summary>
        public async Task<ExecutionInfo> SendInputAsync(string id, string answer, CancellationToken cancellationToken)
        {
            var info = await GetAsync(id, false, cancellationToken).ConfigureAwait(false);
            if (info.Status != ExecutionStatus.WaitingForInput)
                throw new KubiyaException(KubiyaErrorKind.InvalidState, "ExecutionNotWaitingForInput",
                    $"Execution '{id}' is {info.Status}, not waiting for input.", id);
            // A team waits on its member's question: the answer is the member's.
            var target = id;
            if (info.WaitingOn is { } member)
            {
                var asking = await GetAsync(member, false, cancellationToken).ConfigureAwait(false);
                if (asking.Status != ExecutionStatus.WaitingForInput)
                    throw new KubiyaException(KubiyaErrorKind.InvalidState, "ExecutionNotWaitingForInput",
                        $"Execution '{id}' waited on its member {member}, which is {asking.Status} now, not waiting for input.", id);
                target = member;
            }
            try
            {
                var from = $"{Environment.UserName}@{Environment.MachineName}";
                await Client.GetWorkflowHandle(target).SignalAsync(WorkflowNames.InputSignal, new object[] { new InputSignal { Answer = answer, From = from } },
                    new WorkflowSignalOptions { Rpc = new RpcOptions { CancellationToken = cancellationToken } }).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw RpcErrors.Translate(ex, id);
            }
            return info;
        }

        /// <summary>
        /// After an answer was sent: the execution once its workflow took the answer (it left
        /// WaitingForInput), or as it reads after <paramref name="max"/> when no worker took it yet.
        /// </summary>
        public async Task<ExecutionInfo> ReadAfterAnswerAsync(string id, TimeSpan max, CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow + max;
            while (true)
            {
                var info = await GetAsync(id, false, cancellationToken).ConfigureAwait(false);
                if (info.Status != ExecutionStatus.WaitingForInput || DateTime.UtcNow >= deadline) return info;
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Waits until the execution ends, calling <paramref name="progress"/> about once a second
        /// with its current state. Throws a Timeout error after <paramref name="timeout"/>.
        /// </summary>
        public async Task<ExecutionInfo> WaitAsync(string id, TimeSpan? timeout, Action<ExecutionInfo>? progress, CancellationToken cancellationToken)
        {
            var first = await GetAsync(id, false, cancellationToken).ConfigureAwait(false);
            if (first.IsFinished) return await GetAsync(id, true, cancellationToken).ConfigureAwait(false);
            progress?.Invoke(first);
            using var waitCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var handle = Client.GetWorkflowHandle(id);
            var closed = WaitClosedAsync(handle, waitCts.Token);
            var deadline = timeout.HasValue ? DateTime.UtcNow + timeout.Value : DateTime.MaxValue;
            try
            {
                while (true)
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                        throw new KubiyaException(KubiyaErrorKind.Timeout, "WaitTimeout", $"Execution '{id}' did not finish within {timeout!.Value.TotalSeconds:0.#}s.", id);
                    var tick = Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancellationToken);
                    if (await Task.WhenAny(closed, tick).ConfigureAwait(false) == closed) break;
                    cancellationToken.ThrowIfCancellationRequested();
                    if (progress != null)
                    {
                        var now = await GetAsync(id, false, cancellationToken).ConfigureAwait(false);
                        if (now.IsFinished) break;
                        progress(now);
                    }
                }
            }
            finally
            {
                waitCts.Cancel();
            }
            return await GetAsync(id, true, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Waits until the first of <paramref name="ids"/> ends and returns it (with its whole output);
        /// <paramref name="progress"/> hears about the still-open ones about once a second.
        /// </summary>
        public async Task<ExecutionInfo> WaitAnyAsync(IReadOnlyList<string> ids, TimeSpan? timeout, Action<IReadOnlyList<ExecutionInfo>>? progress, CancellationToken cancellationToken)
        {
            if (ids.Count == 0) throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "ExecutionIdRequired", "Name at least one execution to wait for.", null);
            using var waitCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var closed = ids.Distinct(StringComparer.Ordinal).Select(id => WaitClosedAsync(Client.GetWorkflowHandle(id), waitCts.Token)).ToList();
            var deadline = timeout.HasValue ? DateTime.UtcNow + timeout.Value : DateTime.MaxValue;
            try
            {
                while (true)
                {
                    // Read each one: this also ends dead local runs, which no close event would ever report.
                    var now = new List<ExecutionInfo>();
                    foreach (var id in ids.Distinct(StringComparer.Ordinal))
                    {
                        var info = await GetAsync(id, false, cancellationToken).ConfigureAwait(false);
                        if (info.IsFinished) return await GetAsync(id, true, cancellationToken).ConfigureAwait(false);
                        now.Add(info);
                    }
                    progress?.Invoke(now);
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                        throw new KubiyaException(KubiyaErrorKind.Timeout, "WaitTimeout", $"None of {string.Join(", ", ids)} finished within {timeout!.Value.TotalSeconds:0.#}s.", string.Join(",", ids));
                    var tick = Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancellationToken);
                    var woke = await Task.WhenAny(closed.Concat(new[] { tick })).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    // Read again at once; a close that the read does not show yet is not waited on twice.
                    if (woke != tick) closed.Remove(woke);
                }
            }
            finally
            {
                waitCts.Cancel();
            }
        }

        private static async Task WaitClosedAsync(WorkflowHandle handle, CancellationToken ct)
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await handle.GetResultAsync(followRuns: true, new RpcOptions { CancellationToken = ct }).ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (RpcException ex) when (ex.Code == RpcException.StatusCode.DeadlineExceeded || ex.Code == RpcException.StatusCode.Unavailable)
                {
                    // A long poll that timed out or a restarting server: poll again.
                    await Task.Delay(200, ct).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Failed, cancelled, terminated: all mean it is closed.
                    return;
                }
            }
        }

        private static async Task<ExecutionOutcome?> ReadOutcomeAsync(WorkflowHandle handle, CancellationToken ct)
        {
            try
            {
                return await handle.GetResultAsync<ExecutionOutcome>(followRuns: false, new RpcOptions { CancellationToken = ct }).ConfigureAwait(false);
            }
            catch (WorkflowFailedException ex) when (ex.InnerException is ApplicationFailureException af && af.Details.Count > 0)
            {
                return af.Details.ElementAt<ExecutionOutcome>(0);
            }
            catch (WorkflowFailedException)
            {
                return null;
            }
        }

        private static string? Combine(string? root, string? sub)
        {
            if (string.IsNullOrEmpty(sub)) return root;
            if (string.IsNullOrEmpty(root) || System.IO.Path.IsPathRooted(sub)) return sub;
            return System.IO.Path.Combine(root, sub);
        }

        private static int PriorityKey(string p) => p switch
        {
            ExecutionPriority.Critical => 1,
            ExecutionPriority.High => 2,
            ExecutionPriority.Low => 4,
            _ => 3,
        };

        /// <summary>Rejects ids that cannot name a workflow before asking the server.</summary>
        public static void ValidateId(string id)
        {
            if (string.IsNullOrWhiteSpace(id) || id.Length > 1000 || id.Any(char.IsControl))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidExecutionId", $"'{id}' is not a valid execution id.", id);
        }
    }
}
