using System;
using Kubiya.Core.Configuration;

namespace Kubiya.Core.Health
{
    /// <summary>The health heartbeat interval a worker uses.</summary>
    public static class HeartbeatIntervals
    {
        /// <summary><c>HEARTBEAT_INTERVAL</c> (validated 15–300 s), unless the test-only override is set.</summary>
        public static TimeSpan Effective(KubiyaSettings settings) =>
            settings.Observability.TestHeartbeatInterval ?? settings.WorkerHeartbeatInterval;
    }
}
