using System;
using System.Management.Automation;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.Core.Messages;

namespace Kubiya.PowerShell.Internal
{
    /// <summary>Builds ErrorRecords with specific ids and categories from runtime errors.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(Exception ex, object? target)
        {
            if (ex is KubiyaException k)
            {
                var record = new ErrorRecord(k, k.ErrorId, Category(k.Kind), k.Target ?? target);
                // The message in PowerShell's syntax (-Agent, Get-KubiyaAgent), not the CLI's.
                if (FrontText.HasTokens(k.Template)) record.ErrorDetails = new ErrorDetails(k.MessageFor(KubiyaFront.PowerShell));
                return record;
            }
            if (ex is AggregateException agg && agg.InnerExceptions.Count == 1) return From(agg.InnerExceptions[0], target);
            return new ErrorRecord(ex, "KubiyaUnexpectedError", ErrorCategory.NotSpecified, target);
        }

        /// <summary>The error a Failed or Cancelled execution writes (so -ErrorAction Stop fails a pipeline step); null otherwise.</summary>
        public static ErrorRecord? ForOutcome(ExecutionInfo info)
        {
            if (info.Status != ExecutionStatus.Failed && info.Status != ExecutionStatus.Cancelled) return null;
            var message = info.Status == ExecutionStatus.Failed
                ? $"Execution {info.Id} failed: {info.Error ?? "no details"}"
                : $"Execution {info.Id} was cancelled" + (string.IsNullOrEmpty(info.Error) || info.Error == "Cancelled" ? "." : ": " + info.Error);
            var id = info.Status == ExecutionStatus.Failed ? info.ErrorId ?? "ExecutionFailed" : "ExecutionCancelled";
            return new ErrorRecord(new KubiyaException(KubiyaErrorKind.ExecutionFailed, id, message, info.Id), id, ErrorCategory.InvalidResult, info);
        }

        public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target) =>
            new ErrorRecord(new InvalidOperationException(message), errorId, category, target);

        public static ErrorCategory Category(KubiyaErrorKind kind) => kind switch
        {
            KubiyaErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            KubiyaErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            KubiyaErrorKind.ServerUnreachable => ErrorCategory.ConnectionError,
            KubiyaErrorKind.InvalidDefinition => ErrorCategory.ParserError,
            KubiyaErrorKind.InvalidState => ErrorCategory.InvalidOperation,
            KubiyaErrorKind.Timeout => ErrorCategory.OperationTimeout,
            KubiyaErrorKind.ExecutionFailed => ErrorCategory.InvalidResult,
            _ => ErrorCategory.NotSpecified,
        };
    }
}
