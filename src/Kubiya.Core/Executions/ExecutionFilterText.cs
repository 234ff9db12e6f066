using System;
using System.Collections.Generic;
using System.Linq;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Executions
{
    /// <summary>
    /// Reads the parts of an <see cref="ExecutionFilter"/> that fronts receive as text (CLI options,
    /// web UI query strings), so a status list and a page mean the same everywhere.
    /// </summary>
    public static class ExecutionFilterText
    {
        /// <summary>
        /// The statuses in <paramref name="values"/> (each may be comma-separated; case, <c>_</c> and
        /// <c>-</c> are ignored, so Kubiya's <c>waiting_for_input</c> reads too); <c>InvalidStatus</c> otherwise.
        /// </summary>
        public static IReadOnlyList<string> Statuses(IEnumerable<string?> values)
        {
            var result = new List<string>();
            foreach (var value in values.SelectMany(v => (v ?? "").Split(',')).Select(v => v.Trim()).Where(v => v.Length > 0))
            {
                var status = ExecutionStatus.Parse(value.Replace("_", "").Replace("-", ""))
                    ?? throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidStatus",
                        $"'{value}' is not a status; use {string.Join(", ", ExecutionStatus.All)}.", value);
                if (!result.Contains(status)) result.Add(status);
            }
            return result;
        }

        /// <summary>
        /// Checks a page: <paramref name="first"/> from 1 to <paramref name="maxFirst"/>, <paramref name="skip"/>
        /// from 0 (<c>InvalidLimit</c> / <c>InvalidSkip</c>, naming the front's own option names).
        /// </summary>
        public static void CheckPage(int first, int skip, string firstName, string skipName, int maxFirst = int.MaxValue)
        {
            if (first < 1 || first > maxFirst)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidLimit",
                    maxFirst == int.MaxValue ? $"{firstName} must be at least 1 (got {first})." : $"{firstName} must be a number from 1 to {maxFirst} (got {first}).", first);
            if (skip < 0)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidSkip", $"{skipName} must be 0 or more (got {skip}).", skip);
        }
    }
}
