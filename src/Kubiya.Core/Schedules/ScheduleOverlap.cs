using System.Collections.Generic;
using Kubiya.Core.Values;

namespace Kubiya.Core.Schedules
{
    /// <summary>
    /// What a schedule does when a run is due while its previous run is still going (Temporal's overlap
    /// policies). Names (strings), not an enum, so a schedule serialises as users read it.
    /// </summary>
    public static class ScheduleOverlap
    {
        /// <summary>Do not start the new run.</summary>
        public const string Skip = "Skip";
        /// <summary>Start it when the running one ends; keep at most one waiting.</summary>
        public const string BufferOne = "BufferOne";
        /// <summary>Start every due run, one after another.</summary>
        public const string BufferAll = "BufferAll";
        /// <summary>Cancel the running one, then start the new one.</summary>
        public const string CancelOther = "CancelOther";
        /// <summary>Terminate the running one and start the new one at once.</summary>
        public const string TerminateOther = "TerminateOther";
        /// <summary>Start it regardless.</summary>
        public const string AllowAll = "AllowAll";

        /// <summary>Every policy.</summary>
        public static readonly IReadOnlyList<string> All = new[] { Skip, BufferOne, BufferAll, CancelOther, TerminateOther, AllowAll };

        /// <summary>The canonical name of <paramref name="text"/> (case-insensitive), or null when it is no policy.</summary>
        public static string? Parse(string? text) => KnownNames.Match(All, text);
    }
}
