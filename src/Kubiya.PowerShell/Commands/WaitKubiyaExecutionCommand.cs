using System.Management.Automation;
using Kubiya.Core.Executions;
using Kubiya.PowerShell.Completion;
using Kubiya.PowerShell.Internal;

namespace Kubiya.PowerShell.Commands
{
    /// <summary>
    /// <para type="synopsis">Waits until executions end and returns them.</para>
    /// <para type="description">Shows progress while waiting. A failed or cancelled execution also writes an error.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "KubiyaExecution")]
    [OutputType(typeof(ExecutionInfo))]
    public sealed class WaitKubiyaExecutionCommand : KubiyaCmdlet
    {
        private static int nextActivityId = 1;

        /// <summary>Execution id.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("ExecutionId")]
        [ArgumentCompleter(typeof(ExecutionIdCompleter))]
        public string Id { get; set; } = "";

        /// <summary>Seconds to wait before giving up (default: forever).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? Timeout { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var activityId = System.Threading.Interlocked.Increment(ref nextActivityId);
            TryRun(() =>
            {
                var info = Run(async (pump, ct) =>
                {
                    var service = await Runtime.ExecutionsAsync(ct).ConfigureAwait(false);
                    var timeout = Timeout.HasValue ? System.TimeSpan.FromSeconds(Timeout.Value) : (System.TimeSpan?)null;
                    return await service.WaitAsync(Id, timeout, p => pump.Post(() => WriteProgress(new ProgressRecord(activityId, $"Waiting for execution {Id}",
                        $"{p.Status}{(p.Progress != null ? " - steps " + p.Progress : "")}{(p.Question != null ? " - " + p.Question : "")}"))), ct).ConfigureAwait(false);
                });
                WriteProgress(new ProgressRecord(activityId, $"Waiting for execution {Id}", info.Status.ToString()) { RecordType = ProgressRecordType.Completed });
                WriteExecution(info);
            }, Id);
        }
    }
}
