using Temporalio.Client;

namespace Kubiya.Core.Connection
{
    /// <summary>A connected Temporal client and where it points.</summary>
    public sealed class KubiyaConnection
    {
        internal KubiyaConnection(ITemporalClient client, string address, string @namespace)
        {
            Client = client;
            Address = address;
            Namespace = @namespace;
        }

        /// <summary>The Temporal client (shared; do not dispose).</summary>
        public ITemporalClient Client { get; }

        /// <summary>Frontend address.</summary>
        public string Address { get; }

        /// <summary>Namespace.</summary>
        public string Namespace { get; }
    }
}
