using System.Runtime.CompilerServices;
using Temporalio.Activities;

namespace Kubiya.Core.Metrics
{
    /// <summary>
    /// Activities that report their own outcome by task token end with the SDK's
    /// <c>CompleteAsyncException</c> either way; they mark a reported failure here so the task
    /// metrics count it as failed.
    /// </summary>
    public static class TaskOutcome
    {
        private static readonly ConditionalWeakTable<ActivityExecutionContext, object> Failed = new ConditionalWeakTable<ActivityExecutionContext, object>();

        /// <summary>Records that the running activity reported a failure.</summary>
        public static void MarkFailed(ActivityExecutionContext context) => Failed.GetValue(context, _ => new object());

        /// <summary>True when the activity reported a failure.</summary>
        public static bool ReportedFailure(ActivityExecutionContext context) => Failed.TryGetValue(context, out _);
    }
}
