using System.Management.Automation;
using Kubiya.Core.Progress;

namespace Kubiya.PowerShell.Internal
{
    /// <summary>Turns the runtime's <see cref="ExecProgress"/> into Write-Progress records.</summary>
    internal static class ProgressRecords
    {
        private static int nextActivityId = 100;

        /// <summary>A fresh activity id, so concurrent commands keep their own bars.</summary>
        public static int NewActivityId() => System.Threading.Interlocked.Increment(ref nextActivityId);

        /// <summary>
        /// Calls <paramref name="refresh"/> every second until <paramref name="work"/> ends. The console
        /// host draws at most a few progress updates a second and drops the rest, so the last one before
        /// a long step (its "step n of m") would otherwise never show; repeating it redraws the bar.
        /// </summary>
        public static async System.Threading.Tasks.Task RepeatUntil(System.Threading.Tasks.Task work, System.Action refresh)
        {
            while (await System.Threading.Tasks.Task.WhenAny(work, System.Threading.Tasks.Task.Delay(1000)).ConfigureAwait(false) != work)
                refresh();
        }

        /// <summary>The record for <paramref name="progress"/>; Completed closes the bar.</summary>
        public static ProgressRecord From(int activityId, ExecProgress progress) =>
            new ProgressRecord(activityId, progress.Activity, progress.Status.Length > 0 ? progress.Status : " ")
            {
                PercentComplete = progress.PercentComplete,
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
    }
}
