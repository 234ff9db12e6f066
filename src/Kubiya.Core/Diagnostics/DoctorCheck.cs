namespace Kubiya.Core.Diagnostics
{
    /// <summary>The outcome of one health check.</summary>
    public static class DoctorStatus
    {
        /// <summary>All good.</summary>
        public const string Pass = "pass";
        /// <summary>Works, but something deserves attention.</summary>
        public const string Warn = "warn";
        /// <summary>Broken: executions will not run as expected.</summary>
        public const string Fail = "fail";
    }

    /// <summary>One check of <see cref="Doctor"/>: what was checked, the result and how to fix it.</summary>
    public sealed class DoctorCheck
    {
        /// <summary>Short id (server, namespace, pollers, agents, models, disk, logs).</summary>
        public string Id { get; set; } = "";
        /// <summary>What was checked, for people.</summary>
        public string Name { get; set; } = "";
        /// <summary><see cref="DoctorStatus"/>: pass, warn or fail.</summary>
        public string Status { get; set; } = DoctorStatus.Pass;
        /// <summary>What was found.</summary>
        public string Detail { get; set; } = "";
        /// <summary>How to fix it (null when it passed).</summary>
        public string? Fix { get; set; }
        /// <summary>How long the check took, in milliseconds.</summary>
        public long DurationMs { get; set; }
    }
}
