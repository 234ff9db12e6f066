using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Kubiya.Core.Executions;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Waits until executions end and returns them.</para>
    /// <para type="description">Shows progress while waiting. A failed or cancelled execution also writes an error.
    /// With -Any it waits for all the given (or piped) executions at once and returns the first that ends.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "KubiyaExecution")]
    [OutputType(typeof(ExecutionInfo))]
    public sealed class WaitKubiyaExecutionCommand : KubiyaCmdlet
    {
        private readonly List<string> pending = new List<string>();

        /// <summary>Execution ids.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("ExecutionId")]
        [ArgumentCompleter(typeof(ExecutionIdCompleter))]
        public string[] Id { get; set; } = new string[0];

        /// <summary>Seconds to wait before giving up (default: forever).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? Timeout { get; set; }

        /// <summary>Return the first of the executions that ends, instead of each in turn.</summary>
        [Parameter]
        public SwitchParameter Any { get; set; }

        private System.TimeSpan? TimeoutSpan => Timeout.HasValue ? System.TimeSpan.FromSeconds(Timeout.Value) : (System.TimeSpan?)null;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (Any)
            {
                // Waited for together once every id arrived.
                pending.AddRange(Id);
                return;
            }
            foreach (var id in Id) WaitOne(id);
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (!Any || pending.Count == 0) return;
            var ids = pending.Distinct(System.StringComparer.Ordinal).ToList();
            var activityId = ProgressRecords.NewActivityId();
            var activity = $"Waiting for the first of {ids.Count} execution(s)";
            TryRun(() =>
            {
                var info = Run(async (pump, ct) =>
                {
                    var service = await Runtime.ExecutionsAsync(ct).ConfigureAwait(false);
                    for (var i = 0; i < ids.Count; i++) ids[i] = await service.ResolveIdAsync(ids[i], ct).ConfigureAwait(false);
                    return await service.WaitAnyAsync(ids, TimeoutSpan, open => pump.Post(() => WriteProgress(new ProgressRecord(activityId, activity,
                        string.Join(", ", open.Select(e => $"{e.Id} {e.Status}{(e.Progress != null ? " " + e.Progress : "")}")))))
                        , ct).ConfigureAwait(false);
                });
                WriteProgress(new ProgressRecord(activityId, activity, $"{info.Id} {info.Status}") { RecordType = ProgressRecordType.Completed });
                WriteExecution(info);
            }, string.Join(",", ids));
        }

        private void WaitOne(string id)
        {
            var activityId = ProgressRecords.NewActivityId();
            TryRun(() =>
            {
                var info = Run(async (pump, ct) =>
                {
                    var service = await Runtime.ExecutionsAsync(ct).ConfigureAwait(false);
                    return await service.WaitAsync(await service.ResolveIdAsync(id, ct).ConfigureAwait(false), TimeoutSpan, p => pump.Post(() => WriteProgress(new ProgressRecord(activityId, $"Waiting for execution {id}",
                        $"{p.Status}{(p.Progress != null ? " - steps " + p.Progress : "")}{(p.Question != null ? " - " + p.Question : "")}"))), ct).ConfigureAwait(false);
                });
                WriteProgress(new ProgressRecord(activityId, $"Waiting for execution {id}", info.Status.ToString()) { RecordType = ProgressRecordType.Completed });
                WriteExecution(info);
            }, id);
        }
    }
}
