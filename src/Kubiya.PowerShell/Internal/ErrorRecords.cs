using System;
using System.Management.Automation;
using Kubiya.Core.Errors;

namespace Kubiya.PowerShell.Internal
{
    /// <summary>Builds ErrorRecords with specific ids and categories from runtime errors.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(Exception ex, object? target)
        {
            if (ex is KubiyaException k)
                return new ErrorRecord(k, k.ErrorId, Category(k.Kind), k.Target ?? target);
            if (ex is AggregateException agg && agg.InnerExceptions.Count == 1) return From(agg.InnerExceptions[0], target);
            return new ErrorRecord(ex, "KubiyaUnexpectedError", ErrorCategory.NotSpecified, target);
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
