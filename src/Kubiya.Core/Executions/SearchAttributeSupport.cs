using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Connection;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Client;
using Temporalio.Common;

namespace Kubiya.Core.Executions
{
    /// <summary>
    /// The custom search attribute <c>KubiyaAgent</c> lets listing filter agents on the server.
    /// Custom attributes must be registered on a cluster: it is registered through the operator
    /// service when the caller may, and when it cannot be (no permission, no visibility) agent
    /// filtering stays client-side over the memo. Checked once per address and namespace.
    /// </summary>
    public static class SearchAttributeSupport
    {
        /// <summary>The agent name, as a keyword.</summary>
        public static readonly SearchAttributeKey<string> Agent = SearchAttributeKey.CreateKeyword("KubiyaAgent");

        private static readonly ConcurrentDictionary<string, Lazy<Task<bool>>> Known = new ConcurrentDictionary<string, Lazy<Task<bool>>>(StringComparer.Ordinal);

        /// <summary>True when executions on this connection can carry (and be queried by) <see cref="Agent"/>.</summary>
        public static Task<bool> IsAvailableAsync(KubiyaConnection connection, CancellationToken ct)
        {
            var key = connection.Address + "|" + connection.Namespace;
            var lazy = Known.GetOrAdd(key, _ => new Lazy<Task<bool>>(() => EnsureAsync(connection)));
            return lazy.Value;
        }

        private static async Task<bool> EnsureAsync(KubiyaConnection connection)
        {
            var ops = connection.Client.Connection.OperatorService;
            try
            {
                var list = await ops.ListSearchAttributesAsync(new ListSearchAttributesRequest { Namespace = connection.Namespace }).ConfigureAwait(false);
                if (list.CustomAttributes.TryGetValue(Agent.Name, out var type)) return type == IndexedValueType.Keyword;
                var add = new AddSearchAttributesRequest { Namespace = connection.Namespace };
                add.SearchAttributes[Agent.Name] = IndexedValueType.Keyword;
                await ops.AddSearchAttributesAsync(add).ConfigureAwait(false);
                return true;
            }
            catch (Exception)
            {
                // Not allowed or not supported here: the memo still carries the agent.
                return false;
            }
        }
    }
}
