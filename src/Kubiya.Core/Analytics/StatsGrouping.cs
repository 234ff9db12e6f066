namespace Kubiya.Core.Analytics
{
    /// <summary>How execution statistics are split.</summary>
    public enum StatsGrouping
    {
        /// <summary>One row for every execution in the window.</summary>
        None,
        /// <summary>A row per agent (or team).</summary>
        Agent,
        /// <summary>A row per queue.</summary>
        Queue,
        /// <summary>A row per status.</summary>
        Status,
    }
}
