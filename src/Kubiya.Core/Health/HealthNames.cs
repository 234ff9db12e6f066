namespace Kubiya.Core.Health
{
    /// <summary>The names the health heartbeats use on Temporal (shared by workers and readers).</summary>
    public static class HealthNames
    {
        /// <summary>Workflow type of a worker's health record.</summary>
        public const string Workflow = "KubiyaWorkerHealth";
        /// <summary>Signal carrying a <see cref="WorkerHealth"/>.</summary>
        public const string BeatSignal = "beat";
        /// <summary>Memo key holding the latest <see cref="WorkerHealth"/>.</summary>
        public const string MemoKey = "health";
        /// <summary>State while heartbeats arrive.</summary>
        public const string Running = "running";
        /// <summary>State of a worker silent for <see cref="LostAfterIntervals"/> intervals.</summary>
        public const string Lost = "lost";
        /// <summary>Missed intervals after which a worker is lost.</summary>
        public const int LostAfterIntervals = 3;
        /// <summary>Missed intervals after which a lost worker's record is closed (by another worker of the queue).</summary>
        public const int CloseAfterIntervals = 20;

        /// <summary>Workflow id of a worker's health record.</summary>
        public static string WorkflowId(string queue, string identity) => $"kubiya-worker-health:{queue}:{identity}";
    }
}
