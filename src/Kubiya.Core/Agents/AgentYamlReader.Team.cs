using System;
using System.Collections.Generic;
using System.Linq;
using YamlDotNet.RepresentationModel;

namespace Kubiya.Core.Agents
{
    /// <content>The <c>kind: team</c> part: members, and the coordinator's model settings for <c>mode: coordinator</c>.</content>
    public static partial class AgentYamlReader
    {
        private static readonly HashSet<string> TeamKeys = new HashSet<string>
        {
            "name", "description", "tags", "kind", "agents", "env", "mode", "model", "instructions", "instructionsFile", "maxTurns", "maxCostUsd", "temperature",
        };

        /// <summary>Fields that only a coordinator uses: a sequential team naming them is a mistake worth reporting.</summary>
        private static readonly string[] CoordinatorOnlyKeys = { "model", "instructions", "instructionsFile", "maxTurns", "maxCostUsd", "temperature" };

        private sealed partial class Reader
        {
            private void Team(YamlMappingNode root, AgentDefinition a)
            {
                a.Agents = StringList(root, "agents", "agents");
                var members = Child(root, "agents");
                if (a.Agents.Count == 0) throw Fail(members ?? root, "agents", "a team needs at least one agent");
                var seq = members as YamlSequenceNode;
                for (var i = 0; i < a.Agents.Count; i++)
                {
                    var at = seq != null && i < seq.Children.Count ? seq.Children[i] : members!;
                    if (string.IsNullOrWhiteSpace(a.Agents[i])) throw Fail(at, $"agents[{i}]", "must name an agent");
                    if (a.Agents.Take(i).Contains(a.Agents[i], StringComparer.OrdinalIgnoreCase))
                        throw Fail(at, $"agents[{i}]", $"'{a.Agents[i]}' is already a member of this team");
                    a.AgentLocations.Add($"{source}:{at.Start.Line}:{at.Start.Column}");
                }

                var modeNode = Child(root, "mode");
                a.Mode = OptionalScalar(root, "mode", "mode") ?? TeamMode.Sequential;
                if (a.Mode != TeamMode.Sequential && a.Mode != TeamMode.Coordinator)
                    throw Fail(modeNode!, "mode", $"'{a.Mode}' is not one of {TeamMode.Sequential}, {TeamMode.Coordinator}");
                if (a.Mode == TeamMode.Sequential)
                {
                    foreach (var key in CoordinatorOnlyKeys)
                        if (Child(root, key) is { } n)
                            throw Fail(n, key, "is only used by a coordinator team; add 'mode: coordinator' or remove it");
                    return;
                }

                a.Model = OptionalScalar(root, "model", "model");
                if (string.IsNullOrWhiteSpace(a.Model))
                    throw Fail(Child(root, "model") ?? modeNode!, "model", "a coordinator team needs 'model:' (a model_name from models.yaml) for the coordinator");
                a.Instructions = Instructions(root);
                a.MaxTurns = (int)(OptionalNumber(root, "maxTurns", "maxTurns", 1, 10000, integer: true) ?? AgentDefinition.DefaultMaxTurns);
                a.MaxCostUsd = OptionalNumber(root, "maxCostUsd", "maxCostUsd", 0, 1_000_000);
                a.Temperature = OptionalNumber(root, "temperature", "temperature", 0, 2);
            }
        }
    }
}
