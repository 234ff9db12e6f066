using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Kubiya.Core.Agents.Llm.Loop;
using Kubiya.Core.Agents.Llm.Tools;
using Kubiya.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace Kubiya.Core.Agents
{
    /// <content>The <c>kind: llm</c> part: every problem of the file is reported, not only the first.</content>
    public static partial class AgentYamlReader
    {
        private static readonly HashSet<string> LlmKeys = new HashSet<string>
        {
            "name", "description", "tags", "kind", "model", "instructions", "instructionsFile", "tools", "mcp", "policy",
            "approve", "idempotent", "maxTurns", "maxCostUsd", "temperature", "env", "workingDirectory",
        };
        private static readonly HashSet<string> McpKeys = new HashSet<string> { "name", "command", "args", "env", "readOnly" };
        private static readonly HashSet<string> PolicyKeys = new HashSet<string> { "shell", "powershell", "http_get", "git" };

        private sealed partial class Reader
        {
            private readonly List<KubiyaException> problems = new List<KubiyaException>();

            /// <summary>Runs one field's check, collecting its error instead of stopping at it.</summary>
            private T? Collect<T>(Func<T> read)
            {
                try
                {
                    return read();
                }
                catch (KubiyaException ex)
                {
                    problems.Add(ex);
                    return default;
                }
            }

            private void Collect(Action check) => Collect(() => { check(); return 0; });

            public AgentDefinition LlmAgent(YamlMappingNode root)
            {
                var a = new AgentDefinition { Source = source, Kind = AgentKind.Llm };
                foreach (var key in root.Children.Keys)
                {
                    var name = (key as YamlScalarNode)?.Value ?? "";
                    if (LlmKeys.Contains(name)) continue;
                    var closest = Values.ClosestName.Find(name, LlmKeys);
                    problems.Add(Fail(key, name, "unknown field for an llm agent" + (closest != null ? $" (did you mean '{closest}'?)" : "") +
                        $"; expected one of {string.Join(", ", LlmKeys.OrderBy(x => x, StringComparer.Ordinal))}"));
                }
                a.Name = Collect(() =>
                {
                    var n = RequiredScalar(root, "name", "name");
                    if (!NamePattern.IsMatch(n)) throw Fail(Child(root, "name")!, "name", $"'{n}' may only contain letters, digits, '-', '_' and '.'");
                    return n;
                }) ?? "";
                a.Description = Collect(() => OptionalScalar(root, "description", "description")) ?? "";
                a.Tags = Collect(() => StringList(root, "tags", "tags")) ?? new List<string>();
                a.Env = Collect(() => StringMap(root, "env", "env")) ?? new Dictionary<string, string>();
                a.Model = Collect(() => OptionalScalar(root, "model", "model"));
                a.Instructions = Collect(() => Instructions(root));
                a.MaxTurns = (int)(Collect(() => OptionalNumber(root, "maxTurns", "maxTurns", 1, 10000, integer: true)) ?? AgentDefinition.DefaultMaxTurns);
                a.MaxCostUsd = Collect(() => OptionalNumber(root, "maxCostUsd", "maxCostUsd", 0, 1_000_000));
                a.Temperature = Collect(() => OptionalNumber(root, "temperature", "temperature", 0, 2));
                a.WorkingDirectory = Collect(() => OptionalScalar(root, "workingDirectory", "workingDirectory"));
                a.McpServers = Collect(() => McpServers(root)) ?? new List<McpServerDefinition>();
                a.Tools = Collect(() => StringList(root, "tools", "tools")) ?? new List<string>();
                Collect(() => CheckTools(root, a));
                Collect(() => Policy(root, a));
                a.Policy.Approve = Collect(() => ToolNameList(root, "approve", a)) ?? new List<string>();
                a.Policy.Idempotent = Collect(() => ToolNameList(root, "idempotent", a)) ?? new List<string>();
                ThrowProblems();
                return a;
            }

            private string? Instructions(YamlMappingNode root)
            {
                var text = OptionalScalar(root, "instructions", "instructions");
                var file = OptionalScalar(root, "instructionsFile", "instructionsFile");
                if (text != null && file != null) throw Fail(Child(root, "instructionsFile")!, "instructionsFile", "use 'instructions' or 'instructionsFile', not both");
                if (file == null) return text;
                var baseDir = Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".";
                var path = Path.GetFullPath(Path.Combine(baseDir, file));
                if (!File.Exists(path)) throw Fail(Child(root, "instructionsFile")!, "instructionsFile", $"'{file}' does not exist (looked for {path})");
                return File.ReadAllText(path);
            }

            private List<McpServerDefinition> McpServers(YamlMappingNode root)
            {
                var list = new List<McpServerDefinition>();
                var n = Child(root, "mcp");
                if (n == null) return list;
                if (!(n is YamlSequenceNode seq)) throw Fail(n, "mcp", "must be a list of servers (name, command, args, env, readOnly)");
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    var path = $"mcp[{i}]";
                    if (!(seq.Children[i] is YamlMappingNode m)) { problems.Add(Fail(seq.Children[i], path, "must be a mapping with 'name' and 'command'")); continue; }
                    Collect(() => CheckKeys(m, McpKeys, path + "."));
                    var server = new McpServerDefinition
                    {
                        Name = Collect(() => RequiredScalar(m, "name", path + ".name")) ?? "",
                        Command = Collect(() => RequiredScalar(m, "command", path + ".command")) ?? "",
                        Args = Collect(() => StringList(m, "args", path + ".args")) ?? new List<string>(),
                        Env = Collect(() => StringMap(m, "env", path + ".env")) ?? new Dictionary<string, string>(),
                        ReadOnly = Collect(() => OptionalBool(m, "readOnly", path + ".readOnly")) ?? false,
                    };
                    if (server.Name.Length > 0 && !NamePattern.IsMatch(server.Name))
                        problems.Add(Fail(Child(m, "name")!, path + ".name", $"'{server.Name}' may only contain letters, digits, '-', '_' and '.'"));
                    if (list.Any(s => string.Equals(s.Name, server.Name, StringComparison.OrdinalIgnoreCase)))
                        problems.Add(Fail(Child(m, "name") ?? m, path + ".name", $"'{server.Name}' is used by an earlier server"));
                    list.Add(server);
                }
                return list;
            }

            private void CheckTools(YamlMappingNode root, AgentDefinition a)
            {
                var n = Child(root, "tools");
                var seq = n as YamlSequenceNode;
                for (var i = 0; i < a.Tools.Count; i++)
                {
                    var name = a.Tools[i];
                    if (LlmToolCatalog.IsKnown(name)) continue;
                    var at = seq != null && i < seq.Children.Count ? seq.Children[i] : n ?? root;
                    problems.Add(Fail(at, $"tools[{i}]", $"unknown tool '{name}'; known tools: {string.Join(", ", LlmToolCatalog.Names)}" +
                        (a.McpServers.Count > 0 ? " (MCP servers under 'mcp' add their own tools)" : "")));
                }
            }

            private void Policy(YamlMappingNode root, AgentDefinition a)
            {
                var n = Child(root, "policy");
                if (n == null) return;
                if (!(n is YamlMappingNode m)) throw Fail(n, "policy", "must be a mapping of tool: rules (shell, powershell, http_get, git)");
                Collect(() => CheckKeys(m, PolicyKeys, "policy."));
                foreach (var shellTool in new[] { "shell", "powershell" })
                {
                    if (!(Child(m, shellTool) is { } node)) continue;
                    var path = "policy." + shellTool;
                    if (!(node is YamlMappingNode rules)) { problems.Add(Fail(node, path, "must be a mapping with 'allow' and/or 'deny' lists")); continue; }
                    Collect(() => CheckKeys(rules, new HashSet<string> { "allow", "deny" }, path + "."));
                    a.Policy.Allow.AddRange(Collect(() => StringList(rules, "allow", path + ".allow")) ?? new List<string>());
                    a.Policy.Deny.AddRange(Collect(() => StringList(rules, "deny", path + ".deny")) ?? new List<string>());
                }
                if (Child(m, "http_get") is { } http)
                {
                    if (!(http is YamlMappingNode h)) problems.Add(Fail(http, "policy.http_get", "must be a mapping with a 'hosts' list"));
                    else
                    {
                        Collect(() => CheckKeys(h, new HashSet<string> { "hosts" }, "policy.http_get."));
                        a.Policy.HttpAllowHosts = Collect(() => StringList(h, "hosts", "policy.http_get.hosts")) ?? new List<string>();
                    }
                }
                if (Child(m, "git") is { } git)
                {
                    if (!(git is YamlMappingNode g)) problems.Add(Fail(git, "policy.git", "must be a mapping with 'write: true|false'"));
                    else
                    {
                        Collect(() => CheckKeys(g, new HashSet<string> { "write" }, "policy.git."));
                        a.Policy.GitWrite = Collect(() => OptionalBool(g, "write", "policy.git.write")) ?? false;
                    }
                }
            }

            /// <summary>A list of tool names that must be among the agent's tools (or an MCP server's <c>NAME__TOOL</c>).</summary>
            private List<string> ToolNameList(YamlMappingNode root, string key, AgentDefinition a)
            {
                var list = StringList(root, key, key);
                var seq = Child(root, key) as YamlSequenceNode;
                for (var i = 0; i < list.Count; i++)
                {
                    var name = list[i];
                    var offered = a.Tools.Contains(name, StringComparer.Ordinal) ||
                        a.McpServers.Any(s => name.StartsWith(s.Name + "__", StringComparison.Ordinal) || name == s.Name);
                    if (offered) continue;
                    var at = seq != null && i < seq.Children.Count ? seq.Children[i] : Child(root, key)!;
                    problems.Add(Fail(at, $"{key}[{i}]", $"'{name}' is not one of this agent's tools ({string.Join(", ", a.Tools)})"));
                }
                return list;
            }
        }
    }
}
