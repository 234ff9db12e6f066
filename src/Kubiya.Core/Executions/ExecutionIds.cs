using System.Text.RegularExpressions;

namespace Kubiya.Core.Executions
{
    /// <summary>
    /// Short execution ids: what a text table shows on a narrow terminal ("exec-" and the first 8 of
    /// the 16 hex digits, as short commit hashes are), and what commands that take an id accept back.
    /// </summary>
    public static class ExecutionIds
    {
        /// <summary>Hex digits a short id keeps.</summary>
        public const int ShortHexDigits = 8;

        private static readonly Regex Whole = new Regex("^exec-[0-9a-f]{16}$", RegexOptions.CultureInvariant);
        private static readonly Regex Start = new Regex("^exec-[0-9a-f]{4,15}$", RegexOptions.CultureInvariant);

        /// <summary>True for an id of the form <c>exec-</c> and 16 hex digits (a directly started execution).</summary>
        public static bool IsWhole(string id) => Whole.IsMatch(id);

        /// <summary>True for the start of such an id with 4 to 15 of its hex digits, e.g. <c>exec-df1ec350</c>.</summary>
        public static bool IsShort(string id) => Start.IsMatch(id);

        /// <summary>The short form of a whole id; any other id (team members, schedule runs) unchanged.</summary>
        public static string Short(string id) => IsWhole(id) ? id.Substring(0, "exec-".Length + ShortHexDigits) : id;
    }
}
