namespace Kubiya.Core.Schedules
{
    /// <summary>What a schedule does when a run is due while its previous run is still going (Temporal's overlap policies).</summary>
    public enum ScheduleOverlap
    {
        /// <summary>Do not start the new run.</summary>
        Skip,
        /// <summary>Start it when the running one ends; keep at most one waiting.</summary>
        BufferOne,
        /// <summary>Start every due run, one after another.</summary>
        BufferAll,
        /// <summary>Cancel the running one, then start the new one.</summary>
        CancelOther,
        /// <summary>Terminate the running one and start the new one at once.</summary>
        TerminateOther,
        /// <summary>Start it regardless.</summary>
        AllowAll,
    }
}
