using System;
using System.Linq;
using System.Management.Automation;
using Kubiya.Core.Executions;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets executions by id, or lists them filtered by status, agent, team, queue and age.</para>
    /// <para type="description">Filters run on the server through a visibility query; the newest come first.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "KubiyaExecution", DefaultParameterSetName = ListSet)]
    [OutputType(typeof(ExecutionInfo))]
    public sealed class GetKubiyaExecutionCommand : KubiyaCmdlet
    {
        private const string ListSet = "List";
        private const string IdSet = "Id";
        private const string ScheduleObjectSet = "ScheduleObject";
        private const string AgentObjectSet = "AgentObject";

        /// <summary>Execution ids.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
        [ValidateNotNullOrEmpty]
        [Alias("ExecutionId")]
        [ArgumentCompleter(typeof(ExecutionIdCompleter))]
        public string[] Id { get; set; } = Array.Empty<string>();

        /// <summary>
        /// A schedule from Get-KubiyaSchedule, piped: lists the runs it started (as -Schedule NAME).
        /// Typed by PowerShell type name so that a schedule is never read as an execution id.
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ScheduleObjectSet, DontShow = true)]
        [PSTypeName("Kubiya.Core.Schedules.ScheduleInfo")]
        public PSObject? InputSchedule { get; set; }

        /// <summary>An agent or team from Get-KubiyaAgent, piped: lists its executions (as -Agent NAME, or -Team NAME).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = AgentObjectSet, DontShow = true)]
        [PSTypeName("Kubiya.Core.Agents.AgentDefinition")]
        public PSObject? InputAgent { get; set; }

        /// <summary>Only these statuses.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = ScheduleObjectSet)]
        [Parameter(ParameterSetName = AgentObjectSet)]
        [ValidateSet(ExecutionStatus.Pending, ExecutionStatus.Running, ExecutionStatus.WaitingForInput, ExecutionStatus.Completed, ExecutionStatus.Failed, ExecutionStatus.Cancelled, IgnoreCase = true)]
        public string[]? Status { get; set; }

        /// <summary>Only this agent.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = ScheduleObjectSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AgentNameCompleter))]
        public string? Agent { get; set; }

        /// <summary>Only this team's executions.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = ScheduleObjectSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TeamNameCompleter))]
        public string? Team { get; set; }

        /// <summary>Only this queue.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = ScheduleObjectSet)]
        [Parameter(ParameterSetName = AgentObjectSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(QueueCompleter))]
        public string? Queue { get; set; }

        /// <summary>Only those started by this schedule.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = AgentObjectSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ScheduleNameCompleter))]
        public string? Schedule { get; set; }

        /// <summary>Only those created since.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = ScheduleObjectSet)]
        [Parameter(ParameterSetName = AgentObjectSet)]
        public DateTime? Since { get; set; }

        /// <summary>At most this many.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = ScheduleObjectSet)]
        [Parameter(ParameterSetName = AgentObjectSet)]
        [ValidateRange(1, int.MaxValue)]
        public int? First { get; set; }

        /// <summary>Leave out this many of the newest matching ones (page with -First).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [Parameter(ParameterSetName = ScheduleObjectSet)]
        [Parameter(ParameterSetName = AgentObjectSet)]
        [ValidateRange(0, int.MaxValue)]
        public int Skip { get; set; }

        // A short id (as kubiya execution list shows ids on a terminal) is resolved first.
        private async System.Threading.Tasks.Task<ExecutionInfo> GetAsync(string id, System.Threading.CancellationToken ct)
        {
            var service = await Runtime.ExecutionsAsync(ct).ConfigureAwait(false);
            return await service.GetAsync(await service.ResolveIdAsync(id, ct).ConfigureAwait(false), true, ct).ConfigureAwait(false);
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (ParameterSetName == IdSet)
            {
                foreach (var id in Id)
                    TryRun(() => WriteObject(Run((pump, ct) => GetAsync(id, ct))), id);
                return;
            }
            var agent = Agent;
            var team = Team;
            var schedule = Schedule;
            if (InputSchedule != null) schedule = InputSchedule.Properties["Name"]?.Value as string;
            if (InputAgent != null)
            {
                var name = InputAgent.Properties["Name"]?.Value as string;
                if (string.Equals(InputAgent.Properties["Kind"]?.Value as string, "team", StringComparison.OrdinalIgnoreCase)) team = name;
                else agent = name;
            }
            if ((InputSchedule != null && string.IsNullOrEmpty(schedule)) || (InputAgent != null && string.IsNullOrEmpty(agent) && string.IsNullOrEmpty(team)))
            {
                WriteError(ErrorRecords.Create("InputObjectNameMissing", ErrorCategory.InvalidArgument, "The piped schedule or agent has no name.", (object?)InputSchedule ?? InputAgent));
                return;
            }
            var filter = new ExecutionFilter
            {
                Statuses = (Status ?? Array.Empty<string>()).Select(s => ExecutionStatus.Parse(s)!).ToArray(),
                Agent = agent,
                Team = team,
                Queue = Queue,
                Schedule = schedule,
                Since = Since.HasValue ? new DateTimeOffset(Since.Value) : (DateTimeOffset?)null,
                First = First,
                Skip = Skip,
            };
            TryRun(() =>
            {
                var list = Run(async (pump, ct) => await (await Runtime.ExecutionsAsync(ct).ConfigureAwait(false)).ListAsync(filter, ct).ConfigureAwait(false));
                foreach (var e in list) WriteObject(e);
            }, null);
        }
    }
}
