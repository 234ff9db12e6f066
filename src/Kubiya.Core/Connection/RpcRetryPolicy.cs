using System;
using Temporalio.Client;

namespace Kubiya.Core.Connection
{
    /// <summary>
    /// How long a connected client keeps retrying a call the server did not answer (restart, crash,
    /// full disk). The SDK's default gives up after 10 s, which made a worker drop finished steps'
    /// completions during a short outage, so the steps ran again elsewhere. A worker rides out
    /// <see cref="MaxOutage"/> without losing a completion.
    /// </summary>
    public static class RpcRetryPolicy
    {
        /// <summary>The longest server outage a call survives.</summary>
        public static readonly TimeSpan MaxOutage = TimeSpan.FromMinutes(3);

        /// <summary>The retry options every Kubiya client connects with.</summary>
        public static RpcRetryOptions Options => new RpcRetryOptions
        {
            InitialInterval = TimeSpan.FromMilliseconds(200),
            RandomizationFactor = 0.2F,
            Multiplier = 1.5F,
            MaxInterval = TimeSpan.FromSeconds(3),
            MaxElapsedTime = MaxOutage,
            MaxRetries = 1000,
        };
    }
}
