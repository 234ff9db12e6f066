namespace Kubiya.Core.Progress
{
    /// <summary>
    /// Where a followed execution is, as a progress bar shows it: the activity (which execution),
    /// a status line ("step 2 of 5: build", "turn 3, read_file") and a percentage when the total is known.
    /// </summary>
    public sealed class ExecProgress
    {
        /// <summary>What is going on: the execution and its agent or team.</summary>
        public string Activity { get; set; } = "";
        /// <summary>Where it is now.</summary>
        public string Status { get; set; } = "";
        /// <summary>0-100 when the number of steps is known, otherwise -1.</summary>
        public int PercentComplete { get; set; } = -1;
        /// <summary>True once the execution ended: the bar should close.</summary>
        public bool Completed { get; set; }

        /// <inheritdoc />
        public override string ToString() => PercentComplete >= 0 ? $"{Activity}: {Status} ({PercentComplete}%)" : $"{Activity}: {Status}";
    }
}
