using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kubiya.Core.Agents;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// The hash a plan records for its agent: SHA-256 over the definition's canonical JSON (keys
    /// sorted, the file path left out), members included for a team, so an edit that changes
    /// what runs changes the hash while moving the file does not.
    /// </summary>
    public static class AgentHash
    {
        /// <summary><c>sha256:HEX</c> of <paramref name="agent"/> (and its members when a team).</summary>
        public static string Of(AgentDefinition agent, AgentCatalog catalog)
        {
            var root = new JsonArray { Canonical(agent) };
            if (agent.Kind == AgentKind.Team)
            {
                foreach (var member in agent.Agents)
                {
                    try
                    {
                        root.Add(Canonical(catalog.Get(member)));
                    }
                    catch (Errors.KubiyaException)
                    {
                        root.Add(JsonValue.Create("missing:" + member));
                    }
                }
            }
            using var sha = SHA256.Create();
            var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(root.ToJsonString()));
            return "sha256:" + string.Concat(bytes.Select(b => b.ToString("x2")));
        }

        private static JsonNode Canonical(AgentDefinition agent)
        {
            var node = JsonSerializer.SerializeToNode(agent, agent.GetType())!.AsObject();
            node.Remove(nameof(AgentDefinition.Source));
            return Sorted(node)!;
        }

        private static JsonNode? Sorted(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    var sorted = new JsonObject();
                    foreach (var kv in o.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList())
                        sorted[kv.Key] = Sorted(kv.Value?.DeepClone());
                    return sorted;
                case JsonArray a:
                    var arr = new JsonArray();
                    foreach (var item in a) arr.Add(Sorted(item?.DeepClone()));
                    return arr;
                default:
                    return node?.DeepClone();
            }
        }
    }
}
