using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Connection;
using Kubiya.Core.Errors;
using Kubiya.Core.Workflows;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Client.Schedules;
using Temporalio.Converters;
using Temporalio.Exceptions;
using ApiOverlap = Temporalio.Api.Enums.V1.ScheduleOverlapPolicy;

namespace Kubiya.Core.Schedules
{
    /// <summary>
    /// Kubiya schedules over Temporal's Schedule API. A schedule's action starts the product's
    /// execution workflow with the agent or team named, not copied: the worker that picks the run
    /// up resolves the agent from its agent folders when the schedule fires.
    /// </summary>
    public sealed class ScheduleService
    {
        private static readonly Regex NamePattern = new Regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$", RegexOptions.CultureInvariant);
        private readonly KubiyaConnection connection;
        private readonly KubiyaSettings settings;

        /// <summary>Creates the service over a connection.</summary>
        public ScheduleService(KubiyaConnection connection, KubiyaSettings settings)
        {
            this.connection = connection;
            this.settings = settings;
        }

        private ITemporalClient Client => connection.Client;

        /// <summary>Checks a schedule name: letters, digits, '.', '_' and '-', up to 200 characters.</summary>
        public static void ValidateName(string? name)
        {
            if (string.IsNullOrEmpty(name) || !NamePattern.IsMatch(name))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidScheduleName",
                    $"'{name}' is not a valid schedule name: use letters, digits, '.', '_' and '-' (up to 200, starting with a letter or digit).", name);
        }

        /// <summary>Creates a schedule and returns it as the server describes it.</summary>
        public async Task<ScheduleInfo> CreateAsync(ScheduleRequest request, CancellationToken ct)
        {
            ValidateName(request.Name);
            var agentAttribute = await Executions.SearchAttributeSupport.IsAvailableAsync(connection, ct).ConfigureAwait(false);
            var schedule = new Schedule(Action(request, agentAttribute), Spec(request.Cron, request.Interval, request.TimeZone))
            {
                Policy = new SchedulePolicy { Overlap = ToApi(request.Overlap) },
                State = new Temporalio.Client.Schedules.ScheduleState { Paused = request.Paused, Note = request.Note },
            };
            try
            {
                await Client.CreateScheduleAsync(request.Name, schedule, new ScheduleOptions { Rpc = Rpc(ct) }).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw ScheduleErrors.Translate(ex, request.Name);
            }
            return await GetAsync(request.Name, ct).ConfigureAwait(false);
        }

        /// <summary>Reads one schedule.</summary>
        public async Task<ScheduleInfo> GetAsync(string name, CancellationToken ct)
        {
            ValidateName(name);
            try
            {
                var raw = await Client.Connection.WorkflowService.DescribeScheduleAsync(
                    new DescribeScheduleRequest { Namespace = connection.Namespace, ScheduleId = name }, Rpc(ct)).ConfigureAwait(false);
                return ScheduleMapper.ToInfo(name, raw);
            }
            catch (Exception ex)
            {
                throw ScheduleErrors.Translate(ex, name);
            }
        }

        /// <summary>Every schedule in the namespace, by name.</summary>
        public async Task<IReadOnlyList<ScheduleInfo>> ListAsync(CancellationToken ct)
        {
            var names = new List<string>();
            try
            {
                byte[]? token = null;
                do
                {
                    var page = await Client.Connection.WorkflowService.ListSchedulesAsync(new ListSchedulesRequest
                    {
                        Namespace = connection.Namespace,
                        MaximumPageSize = 200,
                        NextPageToken = token == null ? Google.Protobuf.ByteString.Empty : Google.Protobuf.ByteString.CopyFrom(token),
                    }, Rpc(ct)).ConfigureAwait(false);
                    names.AddRange(page.Schedules.Select(s => s.ScheduleId));
                    token = page.NextPageToken.IsEmpty ? null : page.NextPageToken.ToByteArray();
                }
                while (token != null);
            }
            catch (Exception ex)
            {
                throw ScheduleErrors.Translate(ex, "");
            }
            var list = new List<ScheduleInfo>();
            foreach (var name in names.OrderBy(n => n, StringComparer.OrdinalIgnoreCase))
            {
                try { list.Add(await GetAsync(name, ct).ConfigureAwait(false)); }
                catch (KubiyaException ex) when (ex.ErrorId == "ScheduleNotFound") { } // deleted meanwhile
            }
            return list;
        }

        /// <summary>Changes a schedule's spec, action or policy; the rest stays as it is.</summary>
        public async Task<ScheduleInfo> UpdateAsync(string name, ScheduleChanges changes, CancellationToken ct)
        {
            ValidateName(name);
            var current = await GetAsync(name, ct).ConfigureAwait(false);
            var raw = await Client.Connection.WorkflowService.DescribeScheduleAsync(
                new DescribeScheduleRequest { Namespace = connection.Namespace, ScheduleId = name }, Rpc(ct)).ConfigureAwait(false);
            var input = ScheduleMapper.InputOf(raw.Schedule) ?? new ExecutionInput();
            var agent = changes.Agent ?? (changes.Team != null ? null : current.Agent);
            var team = changes.Team ?? (changes.Agent != null ? null : current.Team);
            var request = new ScheduleRequest
            {
                Name = name,
                Agent = agent,
                Team = team,
                Prompt = changes.Prompt ?? current.Prompt,
                Queue = changes.Queue ?? current.Queue ?? "",
                Environment = input.Environment,
                WorkingDirectory = input.WorkingDirectory,
                AutoApprove = input.AutoApprove,
            };
            var action = Action(request, await Executions.SearchAttributeSupport.IsAvailableAsync(connection, ct).ConfigureAwait(false));
            var specChanged = changes.Cron != null || changes.Interval != null || changes.TimeZone != null;
            try
            {
                await Client.GetScheduleHandle(name).UpdateAsync(update =>
                {
                    var s = update.Description.Schedule;
                    var spec = specChanged
                        ? Spec(changes.Cron ?? (changes.Interval == null ? current.Spec : null), changes.Interval, changes.TimeZone ?? current.TimeZone)
                        : s.Spec;
                    return new ScheduleUpdate(s with
                    {
                        Action = action,
                        Spec = spec,
                        Policy = s.Policy with { Overlap = changes.Overlap is { } o ? ToApi(o) : s.Policy.Overlap },
                        State = changes.Note != null ? s.State with { Note = changes.Note } : s.State,
                    });
                }, Rpc(ct)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw ScheduleErrors.Translate(ex, name);
            }
            return await GetAsync(name, ct).ConfigureAwait(false);
        }

        /// <summary>Pauses a schedule: it fires no more until resumed (runs missed meanwhile are not made up).</summary>
        public Task<ScheduleInfo> PauseAsync(string name, string? note, CancellationToken ct) =>
            OnHandleAsync(name, h => h.PauseAsync(string.IsNullOrEmpty(note) ? "Paused with Suspend-KubiyaSchedule" : note, Rpc(ct)), ct);

        /// <summary>Resumes a paused schedule.</summary>
        public Task<ScheduleInfo> ResumeAsync(string name, string? note, CancellationToken ct) =>
            OnHandleAsync(name, h => h.UnpauseAsync(string.IsNullOrEmpty(note) ? "Resumed with Resume-KubiyaSchedule" : note, Rpc(ct)), ct);

        /// <summary>Starts a run now, even when paused (the overlap policy still applies unless <paramref name="overlap"/> says otherwise).</summary>
        public Task<ScheduleInfo> TriggerAsync(string name, string? overlap, CancellationToken ct) =>
            OnHandleAsync(name, h => h.TriggerAsync(new ScheduleTriggerOptions
            {
                Overlap = overlap is { } o ? ToApi(o) : ApiOverlap.Unspecified,
                Rpc = Rpc(ct),
            }), ct);

        /// <summary>Deletes a schedule; executions it started are not touched.</summary>
        public async Task DeleteAsync(string name, CancellationToken ct)
        {
            ValidateName(name);
            try
            {
                await Client.GetScheduleHandle(name).DeleteAsync(Rpc(ct)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw ScheduleErrors.Translate(ex, name);
            }
        }

        private async Task<ScheduleInfo> OnHandleAsync(string name, Func<ScheduleHandle, Task> call, CancellationToken ct)
        {
            ValidateName(name);
            try
            {
                await call(Client.GetScheduleHandle(name)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw ScheduleErrors.Translate(ex, name);
            }
            return await GetAsync(name, ct).ConfigureAwait(false);
        }

        private static RpcOptions Rpc(CancellationToken ct) => new RpcOptions { CancellationToken = ct };

        /// <summary>The spec of a cron expression or an interval, in a time zone.</summary>
        internal static ScheduleSpec Spec(string? cron, TimeSpan? interval, string? timeZone)
        {
            if (string.IsNullOrWhiteSpace(cron) == (interval == null))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "SpecRequired", "Give either a cron expression or an interval.", null);
            if (interval is { } every && every < TimeSpan.FromSeconds(1))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "IntervalTooShort", $"The interval {every} is shorter than one second.", every);
            return new ScheduleSpec
            {
                CronExpressions = string.IsNullOrWhiteSpace(cron) ? new List<string>() : new List<string> { cron!.Trim() },
                Intervals = interval is { } i ? new List<ScheduleIntervalSpec> { new ScheduleIntervalSpec(i) } : new List<ScheduleIntervalSpec>(),
                TimeZoneName = string.IsNullOrWhiteSpace(timeZone) ? null : timeZone,
            };
        }

        /// <summary>
        /// The action: start the execution workflow naming the agent or team, resolved on the
        /// worker when the schedule fires. The memo is what executions show before a worker runs them;
        /// an agent's runs carry the <c>KubiyaAgent</c> search attribute when the server has it
        /// (<paramref name="agentAttribute"/>), as started runs do, so filtering by agent finds them.
        /// </summary>
        private ScheduleActionStartWorkflow Action(ScheduleRequest r, bool agentAttribute)
        {
            if (string.IsNullOrWhiteSpace(r.Prompt))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "PromptRequired", "The prompt must not be empty.", r.Name);
            if (r.Agent != null && r.Team != null)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "AgentAndTeam", "Choose an agent or a team, not both.", r.Name);
            if (string.IsNullOrWhiteSpace(r.Agent) && string.IsNullOrWhiteSpace(r.Team))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "AgentRequired", "A schedule runs an agent or a team: give {-Agent} or {-Team}.", r.Name);
            if (string.IsNullOrWhiteSpace(r.Queue))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "QueueRequired", "A schedule needs the queue whose workers run it ({-Queue}).", r.Name);
            Workers.WorkerPaths.ValidateQueueId(r.Queue);
            var environment = r.Environment ?? settings.Environment;
            var input = new ExecutionInput
            {
                Prompt = r.Prompt,
                Agent = r.Agent,
                Team = r.Team,
                Environment = environment,
                WorkingDirectory = r.WorkingDirectory,
                AutoApprove = r.AutoApprove,
                ResolveAtRun = true,
                Schedule = r.Name,
                HeartbeatTimeoutSeconds = Math.Max(3, settings.StepHeartbeatInterval.TotalSeconds * 4),
                DefaultStepTimeoutSeconds = settings.ActivityTimeout.TotalSeconds,
            };
            var memo = new Dictionary<string, object>
            {
                [MemoKeys.State] = "Pending",
                [MemoKeys.Prompt] = r.Prompt,
                [MemoKeys.Queue] = r.Queue,
                [MemoKeys.Priority] = "medium",
                [ScheduleMemo.ExecutionSchedule] = r.Name,
            };
            if (r.Agent != null) memo[MemoKeys.Agent] = r.Agent;
            if (r.Team != null) memo[MemoKeys.Team] = r.Team;
            if (environment != null) memo[MemoKeys.Environment] = environment;
            if (r.WorkingDirectory != null) memo[MemoKeys.WorkingDirectory] = r.WorkingDirectory;
            var options = new WorkflowOptions(r.Name, r.Queue) { Memo = memo };
            if (agentAttribute && r.Agent != null)
                options.TypedSearchAttributes = new Temporalio.Common.SearchAttributeCollection.Builder()
                    .Set(Executions.SearchAttributeSupport.Agent, r.Agent).ToSearchAttributeCollection();
            return ScheduleActionStartWorkflow.Create(WorkflowNames.Execution, new object?[] { input }, options);
        }

        internal static ApiOverlap ToApi(string o) => ScheduleOverlap.Parse(o) switch
        {
            ScheduleOverlap.BufferOne => ApiOverlap.BufferOne,
            ScheduleOverlap.BufferAll => ApiOverlap.BufferAll,
            ScheduleOverlap.CancelOther => ApiOverlap.CancelOther,
            ScheduleOverlap.TerminateOther => ApiOverlap.TerminateOther,
            ScheduleOverlap.AllowAll => ApiOverlap.AllowAll,
            _ => ApiOverlap.Skip,
        };
    }
}
