using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Kubiya.Core.Agents.Llm.Models;
using Kubiya.Core.Agents.Llm.Tools;
using Kubiya.Core.Agents.Teams;
using Kubiya.Core.Workflows;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Kubiya.Core.Agents.Llm.Loop
{
    /// <summary>
    /// The agent loop of an llm execution, run inside <see cref="ExecutionWorkflow"/>: each model call
    /// and each tool call is an activity with a deterministic id, so history holds every call and a
    /// worker that dies never makes a finished one run again. The conversation is workflow state;
    /// after <see cref="LlmExecutionSpec.ContinueAsNewAfterTurns"/> turns (or when the server suggests
    /// it) the run continues as new, carrying the conversation and the totals.
    /// </summary>
    internal sealed class AgentLoop
    {
        private static readonly string[] YesAnswers = { "y", "yes", "approve", "approved", "ok", "true", "continue" };

        private readonly ExecutionInput input;
        private readonly LlmExecutionSpec spec;
        private readonly LlmConversationState state;
        private readonly Func<string, string, Task<string>> ask;
        private readonly Action<ExecutionEvent> record;
        private readonly Action<string> workerSeen;
        private readonly TeamDelegation? team;
        private int turnsThisRun;

        /// <param name="input">The execution's input (with <see cref="ExecutionInput.Llm"/>).</param>
        /// <param name="ask">Asks a person (step, question) and returns the answer: the execution waits for input meanwhile.</param>
        /// <param name="record">Records a notable event in the log.</param>
        /// <param name="workerSeen">Called with the identity of each worker that ran a call.</param>
        /// <param name="memberEnded">A coordinator's: called with the execution id of each member that ended.</param>
        public AgentLoop(ExecutionInput input, Func<string, string, Task<string>> ask, Action<ExecutionEvent> record, Action<string> workerSeen, Action<string>? memberEnded = null)
        {
            this.input = input;
            spec = input.Llm!;
            this.ask = ask;
            this.record = record;
            this.workerSeen = workerSeen;
            state = input.Conversation ?? NewConversation(input);
            if (input.Coordinator != null) team = new TeamDelegation(input, record, memberEnded);
        }

        /// <summary>What the run spent so far (a coordinator's includes its members').</summary>
        public ExecutionUsage Usage => new ExecutionUsage
        {
            Turns = state.Turns,
            ToolCalls = state.ToolCalls,
            InputTokens = state.InputTokens,
            OutputTokens = state.OutputTokens,
            CostUsd = costKnown || state.CostUsd > 0 ? state.CostUsd : (double?)null,
        };

        /// <summary>The conversation after the system prompt.</summary>
        public List<LlmMessage> Conversation => state.Messages;

        /// <summary>The latest assistant text, for the output of a failed run.</summary>
        public string LastText => state.Messages.LastOrDefault(m => m.Role == LlmRoles.Assistant && !string.IsNullOrEmpty(m.Text))?.Text ?? "";

        /// <summary>Runs until the model answers without calling tools; returns that answer.</summary>
        public async Task<string> RunAsync()
        {
            PublishTotals();
            if (state.ToolSpecs == null)
            {
                state.ToolSpecs = spec.ToolSpecs.ToList();
                if (spec.McpServers.Count > 0) state.ToolSpecs.AddRange(await ListMcpToolsAsync().ConfigureAwait(true));
            }
            while (true)
            {
                if (state.Turns >= spec.MaxTurns)
                    throw new AgentLoopFailure("MaxTurnsExceeded", $"The agent used all {spec.MaxTurns} model turns (maxTurns) without a final answer.");
                if (ShouldContinueAsNew())
                    throw Workflow.CreateContinueAsNewException((ExecutionWorkflow wf) => wf.RunAsync(Continued()));

                var turn = state.Turns + 1;
                var reply = await ModelTurnAsync(turn).ConfigureAwait(true);
                state.Turns = turn;
                turnsThisRun++;
                state.InputTokens += reply.Usage.InputTokens;
                state.OutputTokens += reply.Usage.OutputTokens;
                if (reply.Usage.CostUsd is { } cost) { state.CostUsd += cost; costKnown = true; }
                var message = reply.Message;
                message.Role = LlmRoles.Assistant;
                state.Messages.Add(message);
                PublishTotals();
                CheckBudget();
                if (message.ToolCalls.Count == 0) return message.Text ?? "";

                for (var i = 0; i < message.ToolCalls.Count; i++)
                {
                    var call = message.ToolCalls[i];
                    state.ToolCalls++;
                    var result = await CallToolAsync(turn, i + 1, call).ConfigureAwait(true);
                    state.Messages.Add(new LlmMessage
                    {
                        Role = LlmRoles.Tool,
                        ToolCallId = call.Id,
                        ToolName = call.Name,
                        Text = ForHistory(result),
                    });
                    // A member's spending counts against the team's budget before the next delegation starts.
                    if (team != null) { PublishTotals(); CheckBudget(); }
                }
                PublishTotals();
            }
        }

        private void CheckBudget()
        {
            if (spec.MaxCostUsd is { } budget && state.CostUsd > budget)
                throw new AgentLoopFailure("BudgetExceeded", team != null
                    ? $"The team spent ${Money(state.CostUsd)} (coordinator and members), more than its budget of ${Money(budget)} (maxCostUsd), after {state.Turns} coordinator turn(s)."
                    : $"The agent spent ${Money(state.CostUsd)}, more than its budget of ${Money(budget)} (maxCostUsd), after {state.Turns} turn(s).");
        }

        private void AddUsage(ExecutionUsage u)
        {
            state.ToolCalls += u.ToolCalls;
            state.InputTokens += u.InputTokens;
            state.OutputTokens += u.OutputTokens;
            if (u.CostUsd is { } cost) { state.CostUsd += cost; costKnown = true; }
        }

        private bool costKnown;

        private bool ShouldContinueAsNew() =>
            turnsThisRun > 0 && ((spec.ContinueAsNewAfterTurns > 0 && turnsThisRun >= spec.ContinueAsNewAfterTurns) || Workflow.ContinueAsNewSuggested);

        private ExecutionInput Continued()
        {
            state.Run++;
            return new ExecutionInput
            {
                Prompt = input.Prompt,
                Agent = input.Agent,
                Team = input.Team,
                Environment = input.Environment,
                ParentExecutionId = input.ParentExecutionId,
                WorkingDirectory = input.WorkingDirectory,
                AutoApprove = input.AutoApprove,
                HeartbeatTimeoutSeconds = input.HeartbeatTimeoutSeconds,
                DefaultStepTimeoutSeconds = input.DefaultStepTimeoutSeconds,
                Llm = spec,
                Conversation = state,
                Coordinator = input.Coordinator,
            };
        }

        private static LlmConversationState NewConversation(ExecutionInput input)
        {
            var s = new LlmConversationState();
            if (input.ParentConversation != null) s.Messages.AddRange(input.ParentConversation);
            else if (!string.IsNullOrEmpty(input.ParentOutput))
                s.Messages.Add(new LlmMessage { Role = LlmRoles.User, Text = $"Output of the earlier execution {input.ParentExecutionId}:\n{input.ParentOutput}" });
            s.Messages.Add(new LlmMessage { Role = LlmRoles.User, Text = input.Prompt });
            return s;
        }

        private async Task<ModelTurnResult> ModelTurnAsync(int turn)
        {
            var messages = new List<LlmMessage>(state.Messages.Count + 1) { new LlmMessage { Role = LlmRoles.System, Text = spec.Instructions } };
            messages.AddRange(state.Messages);
            try
            {
                var output = await Workflow.ExecuteActivityAsync(
                    (LlmActivities a) => a.ModelTurnAsync(new ModelTurnInput
                    {
                        ExecutionId = Workflow.Info.WorkflowId,
                        Turn = turn,
                        Request = new ModelTurnRequest { Model = spec.Model, Messages = messages, Tools = state.ToolSpecs!, Temperature = spec.Temperature },
                    }),
                    new ActivityOptions
                    {
                        ActivityId = $"turn-{turn}/model",
                        StartToCloseTimeout = TimeSpan.FromSeconds(spec.ModelTimeoutSeconds),
                        HeartbeatTimeout = TimeSpan.FromSeconds(input.HeartbeatTimeoutSeconds),
                        RetryPolicy = new RetryPolicy
                        {
                            InitialInterval = TimeSpan.FromSeconds(1),
                            BackoffCoefficient = 2,
                            MaximumInterval = TimeSpan.FromSeconds(20),
                            MaximumAttempts = 4,
                        },
                    }).ConfigureAwait(true);
                if (!string.IsNullOrEmpty(output.Worker)) workerSeen(output.Worker);
                return output.Result;
            }
            catch (ActivityFailureException e) when (!TemporalException.IsCanceledException(e))
            {
                var inner = e.InnerException as ApplicationFailureException;
                var id = inner?.ErrorType ?? (e.InnerException is TimeoutFailureException ? "ModelTimeout" : "ModelCallFailed");
                throw new AgentLoopFailure(id, $"Model call {turn} ({spec.Model}) failed: {e.InnerException?.Message ?? e.Message}");
            }
        }

        private async Task<ToolResult> CallToolAsync(int turn, int index, LlmToolCall call)
        {
            if (call.Name == LlmToolCatalog.AskUser)
            {
                var question = Argument(call, "question") ?? Argument(call, "prompt") ?? "The agent has a question.";
                var answer = await ask("ask_user", question).ConfigureAwait(true);
                return new ToolResult { Output = answer };
            }
            if (team != null && call.Name == DelegateTool.Name)
            {
                var remaining = spec.MaxCostUsd is { } budget ? budget - state.CostUsd : (double?)null;
                var delegated = await team.RunAsync(turn, index, call, remaining).ConfigureAwait(true);
                if (delegated.Usage != null) AddUsage(delegated.Usage);
                return delegated.Result;
            }
            if (call.Name == LlmToolCatalog.Checkpoint)
            {
                var text = Argument(call, "message") ?? Argument(call, "summary") ?? Argument(call, "text") ?? call.ArgumentsJson;
                record(new ExecutionEvent { Kind = "Checkpoint", Step = "checkpoint", Text = text });
                return new ToolResult { Output = "Checkpoint recorded." };
            }
            if (!IsOffered(call.Name))
                return new ToolResult { IsError = true, Output = $"There is no tool named '{call.Name}'. Available tools: {string.Join(", ", state.ToolSpecs!.Select(t => t.Name))}." };
            if (NeedsApproval(call.Name))
            {
                if (spec.FailOnApproval)
                    throw new AgentLoopFailure("ApprovalRequired",
                        $"Tool '{call.Name}' needs approval before it runs and nobody can answer in this non-interactive local run; rerun with -ApproveTools / --approve-tools, or queue it to a worker and answer with Send-KubiyaExecutionInput (kubiya execution input).");
                var answer = await ask("approve:" + call.Name, $"Allow tool '{call.Name}' to run with {Short(call.ArgumentsJson)}? (yes/no)").ConfigureAwait(true);
                if (!YesAnswers.Contains(answer.Trim().ToLowerInvariant()))
                    return new ToolResult { IsError = true, Output = $"A person did not approve this call of '{call.Name}' (answer: '{answer}'). Do not retry it unchanged." };
            }
            return await RunToolActivityAsync(turn, index, call).ConfigureAwait(true);
        }

        private async Task<ToolResult> RunToolActivityAsync(int turn, int index, LlmToolCall call)
        {
            var retryable = LlmToolCatalog.IsRetrySafe(call, spec);
            try
            {
                var output = await Workflow.ExecuteActivityAsync(
                    (LlmActivities a) => a.RunToolAsync(new ToolCallInput
                    {
                        Turn = turn,
                        Request = new ToolRequest
                        {
                            ExecutionId = Workflow.Info.WorkflowId,
                            CallId = call.Id,
                            Tool = call.Name,
                            ArgumentsJson = call.ArgumentsJson,
                            WorkingDirectory = input.WorkingDirectory ?? "",
                            Env = ToolEnv(),
                            Policy = spec.Policy,
                            McpServers = spec.McpServers,
                            TimeoutSeconds = spec.ToolTimeoutSeconds,
                        },
                    }),
                    new ActivityOptions
                    {
                        ActivityId = $"turn-{turn}/tool-{index}",
                        StartToCloseTimeout = TimeSpan.FromSeconds(spec.ToolTimeoutSeconds + 60),
                        HeartbeatTimeout = TimeSpan.FromSeconds(input.HeartbeatTimeoutSeconds),
                        CancellationType = ActivityCancellationType.WaitCancellationCompleted,
                        // Side effects are never repeated: only read-only or declared idempotent tools retry.
                        RetryPolicy = retryable
                            ? new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(1), BackoffCoefficient = 2, MaximumInterval = TimeSpan.FromSeconds(20), MaximumAttempts = 5 }
                            : new RetryPolicy { MaximumAttempts = 1 },
                    }).ConfigureAwait(true);
                if (!string.IsNullOrEmpty(output.Worker)) workerSeen(output.Worker);
                return output.Result;
            }
            catch (ActivityFailureException e) when (!TemporalException.IsCanceledException(e))
            {
                var why = e.InnerException is TimeoutFailureException ? "the worker running it stopped responding" : e.InnerException?.Message ?? e.Message;
                var note = retryable ? "" : " It was not run again because it may have changed something; check its effect before calling it again.";
                return new ToolResult { IsError = true, Output = $"The call of '{call.Name}' did not finish: {why}.{note}" };
            }
        }

        private async Task<List<ToolSpec>> ListMcpToolsAsync()
        {
            try
            {
                return await Workflow.ExecuteActivityAsync(
                    (LlmActivities a) => a.ListMcpToolsAsync(new McpToolsInput
                    {
                        ExecutionId = Workflow.Info.WorkflowId,
                        Servers = spec.McpServers,
                        WorkingDirectory = input.WorkingDirectory ?? "",
                    }),
                    new ActivityOptions
                    {
                        ActivityId = "mcp-tools",
                        StartToCloseTimeout = TimeSpan.FromMinutes(2),
                        RetryPolicy = new RetryPolicy { MaximumAttempts = 3 },
                    }).ConfigureAwait(true);
            }
            catch (ActivityFailureException e) when (!TemporalException.IsCanceledException(e))
            {
                var inner = e.InnerException as ApplicationFailureException;
                throw new AgentLoopFailure(inner?.ErrorType ?? "McpServerFailed", e.InnerException?.Message ?? e.Message);
            }
        }

        private bool IsOffered(string name) => state.ToolSpecs!.Any(t => t.Name == name);

        private bool NeedsApproval(string name) =>
            !spec.ApproveTools && spec.Policy.Approve.Any(a => a == name || name.StartsWith(a + "__", StringComparison.Ordinal));

        private Dictionary<string, string> ToolEnv()
        {
            var env = new Dictionary<string, string>(spec.Env, StringComparer.Ordinal)
            {
                ["KUBIYA_EXECUTION_ID"] = Workflow.Info.WorkflowId,
            };
            if (input.Agent != null) env["KUBIYA_AGENT"] = input.Agent;
            return env;
        }

        /// <summary>Bounds what a tool result adds to the conversation (and so to history).</summary>
        private string ForHistory(ToolResult r)
        {
            var text = r.Output ?? "";
            if (text.Length > spec.MaxToolOutputChars)
                text = text.Substring(0, spec.MaxToolOutputChars) + $"\n[output truncated: {spec.MaxToolOutputChars} of {text.Length} characters kept]";
            if (r.IsError) text = "ERROR: " + text;
            return text;
        }

        /// <summary>Keeps the memo (what listings show) up to date with the totals.</summary>
        private void PublishTotals()
        {
            var updates = new List<MemoUpdate>
            {
                MemoUpdate.ValueSet(MemoKeys.Model, spec.Model),
                MemoUpdate.ValueSet(MemoKeys.Turns, state.Turns),
                MemoUpdate.ValueSet(MemoKeys.ToolCalls, state.ToolCalls),
                MemoUpdate.ValueSet(MemoKeys.InputTokens, state.InputTokens),
                MemoUpdate.ValueSet(MemoKeys.OutputTokens, state.OutputTokens),
            };
            if (costKnown || state.CostUsd > 0) updates.Add(MemoUpdate.ValueSet(MemoKeys.CostUsd, state.CostUsd));
            Workflow.UpsertMemo(updates.ToArray());
        }

        private static string? Argument(LlmToolCall call, string name)
        {
            try
            {
                using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(call.ArgumentsJson) ? "{}" : call.ArgumentsJson);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v))
                    return v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();
            }
            catch (JsonException)
            {
            }
            return null;
        }

        private static string Short(string s) => s.Length <= 300 ? s : s.Substring(0, 300) + "...";

        private static string Money(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
    }

    /// <summary>The loop cannot go on: fails the execution with a specific error id.</summary>
    internal sealed class AgentLoopFailure : Exception
    {
        public AgentLoopFailure(string errorId, string message) : base(message) => ErrorId = errorId;

        public string ErrorId { get; }
    }
}
