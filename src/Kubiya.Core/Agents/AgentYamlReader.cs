using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Kubiya.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kubiya.Core.Agents
{
    /// <summary>
    /// Reads one agent YAML file. Every problem is reported as
    /// <c>FILE:LINE:COLUMN: FIELD: reason</c> so the user can jump straight to it.
    /// </summary>
    public static partial class AgentYamlReader
    {
        private static readonly Regex NamePattern = new Regex("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);
        private static readonly HashSet<string> AgentKeys = new HashSet<string> { "name", "description", "tags", "kind", "steps", "agents", "env" };
        private static readonly HashSet<string> StepKeys = new HashSet<string>
            { "name", "shell", "powershell", "approval", "changes", "env", "timeout", "retries", "continueOnError", "workingDirectory" };

        /// <summary>Reads and validates <paramref name="path"/>.</summary>
        public static AgentDefinition ReadFile(string path) => Read(Yaml.YamlLimits.ReadFile(path, "InvalidAgentDefinition"), path);

        /// <summary>Parses <paramref name="yaml"/>; <paramref name="source"/> names it in errors.</summary>
        public static AgentDefinition Read(string yaml, string source)
        {
            Yaml.YamlLimits.Check(yaml, source, "InvalidAgentDefinition");
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(yaml));
            }
            catch (YamlException ex)
            {
                throw Error(source, ex.Start, "(syntax)", Configuration.YamlErrors.Describe(ex));
            }
            catch (Exception ex) when (!(ex is KubiyaException))
            {
                // The parser's own failures (e.g. a key that is empty or repeated) carry no position.
                throw Error(source, Mark.Empty, "(syntax)", Configuration.YamlErrors.Describe(ex));
            }
            if (stream.Documents.Count == 0 || !(stream.Documents[0].RootNode is YamlMappingNode root))
                throw Error(source, stream.Documents.Count > 0 ? stream.Documents[0].RootNode.Start : Mark.Empty, "(root)", "an agent file must be a mapping with at least 'name'");
            var r = new Reader(source);
            var agent = r.Agent(root);
            agent.Warnings.AddRange(r.Warnings);
            return agent;
        }

        internal static KubiyaException Error(string source, Mark at, string field, string why) =>
            new KubiyaException(KubiyaErrorKind.InvalidDefinition, "InvalidAgentDefinition",
                $"{source}:{at.Line}:{at.Column}: {field}: {why}", source);

        private sealed partial class Reader
        {
            private readonly string source;
            public Reader(string source) => this.source = source;

            /// <summary>Problems that do not stop the agent from loading (literal secrets).</summary>
            public List<string> Warnings { get; } = new List<string>();

            private KubiyaException Fail(YamlNode node, string field, string why) => Error(source, node.Start, field, why);

            public AgentDefinition Agent(YamlMappingNode root)
            {
                if (OptionalScalarOrNull(root, "kind") == AgentKind.Llm) return LlmAgent(root);
                // Every problem of the file is collected (each FILE:LINE:COLUMN), not only the first.
                var a = new AgentDefinition { Source = source };
                var isTeam = OptionalScalarOrNull(root, "kind") == AgentKind.Team;
                if (Child(root, "steps") != null && isTeam)
                    problems.Add(Fail(Child(root, "steps")!, "steps", "a team has agents, not steps"));
                CheckKeys(root, isTeam ? TeamKeys : AgentKeys, "");
                a.Name = Collect(() =>
                {
                    var n = RequiredScalar(root, "name", "name");
                    if (!NamePattern.IsMatch(n)) throw Fail(Child(root, "name")!, "name", $"'{n}' may only contain letters, digits, '-', '_' and '.'");
                    return n;
                }) ?? "";
                a.Description = Collect(() => OptionalScalar(root, "description", "description")) ?? "";
                a.Tags = Collect(() => StringList(root, "tags", "tags")) ?? new List<string>();
                a.Env = Collect(() => StringMap(root, "env", "env")) ?? new Dictionary<string, string>();
                a.Kind = Collect(() =>
                {
                    var kind = OptionalScalar(root, "kind", "kind") ?? AgentKind.Runbook;
                    if (kind != AgentKind.Runbook && kind != AgentKind.Team && kind != AgentKind.Llm)
                        throw Fail(Child(root, "kind")!, "kind", $"'{kind}' is not one of runbook, team, llm");
                    return kind;
                }) ?? AgentKind.Runbook;
                if (a.Kind == AgentKind.Team) Collect(() => Team(root, a));
                else if (!isTeam) Collect(() => Steps(root, a));
                ThrowProblems();
                return a;
            }

            /// <summary>Throws what <see cref="Collect{T}"/> gathered: the one problem, or all of them in one error.</summary>
            private void ThrowProblems()
            {
                if (problems.Count == 1) throw problems[0];
                if (problems.Count > 1)
                    throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, "InvalidAgentDefinition",
                        string.Join(Environment.NewLine, problems.Select(p => p.Message)), source);
            }

            private void Steps(YamlMappingNode root, AgentDefinition a)
            {
                var steps = Child(root, "steps");
                if (steps == null) throw Fail(root, "steps", "a runbook needs a 'steps' list");
                if (!(steps is YamlSequenceNode seq) || seq.Children.Count == 0) throw Fail(steps, "steps", "must be a non-empty list of steps");
                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    var index = i;
                    var step = Collect(() => Step(seq.Children[index], $"steps[{index}]", index));
                    if (step == null) continue;
                    if (!names.Add(step.Name)) problems.Add(Fail(seq.Children[i], $"steps[{i}].name", $"'{step.Name}' is used by an earlier step"));
                    a.Steps.Add(step);
                }
            }

            private StepDefinition Step(YamlNode node, string path, int index)
            {
                if (!(node is YamlMappingNode m)) throw Fail(node, path, "a step must be a mapping (e.g. '- shell: make test')");
                CheckKeys(m, StepKeys, path + ".");
                var s = new StepDefinition { Name = Collect(() => OptionalScalar(m, "name", path + ".name")) ?? $"step-{index + 1}" };
                var actions = new[] { StepKind.Shell, StepKind.PowerShell, StepKind.Approval, StepKind.Changes }
                    .Where(k => Child(m, k) != null).ToList();
                if (actions.Count != 1)
                    throw Fail(m, path, actions.Count == 0
                        ? "needs one of 'shell', 'powershell', 'approval' or 'changes'"
                        : $"has {string.Join(" and ", actions)}; a step does exactly one thing");
                s.Kind = actions[0];
                switch (s.Kind)
                {
                    case StepKind.Shell:
                    case StepKind.PowerShell:
                        s.Command = Collect(() => RequiredScalar(m, s.Kind, $"{path}.{s.Kind}"));
                        break;
                    case StepKind.Approval:
                        s.Question = Collect(() => RequiredScalar(m, "approval", $"{path}.approval"));
                        break;
                    case StepKind.Changes:
                        s.Changes = Collect(() => Changes(Child(m, "changes")!, $"{path}.changes"));
                        break;
                }
                s.Env = Collect(() => StringMap(m, "env", path + ".env")) ?? new Dictionary<string, string>();
                s.TimeoutSeconds = Collect(() => OptionalNumber(m, "timeout", path + ".timeout", 0.001, 30 * 24 * 3600));
                s.Retries = (int)(Collect(() => OptionalNumber(m, "retries", path + ".retries", 0, 100, integer: true)) ?? 0);
                s.ContinueOnError = Collect(() => OptionalBool(m, "continueOnError", path + ".continueOnError")) ?? false;
                s.WorkingDirectory = Collect(() => OptionalScalar(m, "workingDirectory", path + ".workingDirectory"));
                if (Security.WorkingDirectoryGuard.Escapes(s.WorkingDirectory))
                    problems.Add(Fail(Child(m, "workingDirectory")!, path + ".workingDirectory", Security.WorkingDirectoryGuard.Explain(s.WorkingDirectory!)));
                return s;
            }

            private ChangesDefinition Changes(YamlNode node, string path)
            {
                if (!(node is YamlMappingNode m)) throw Fail(node, path, "must be a mapping with 'rules'");
                CheckKeys(m, new HashSet<string> { "base", "rules", "otherwise" }, path + ".");
                var c = new ChangesDefinition { Base = OptionalScalar(m, "base", path + ".base") ?? "HEAD" };
                var rules = Child(m, "rules");
                if (!(rules is YamlSequenceNode seq) || seq.Children.Count == 0) throw Fail(rules ?? m, path + ".rules", "must be a non-empty list of rules");
                for (var i = 0; i < seq.Children.Count; i++) c.Rules.Add(Rule(seq.Children[i], $"{path}.rules[{i}]", requirePaths: true));
                var otherwise = Child(m, "otherwise");
                if (otherwise != null) c.Otherwise = Rule(otherwise, path + ".otherwise", requirePaths: false);
                return c;
            }

            private ChangeRule Rule(YamlNode node, string path, bool requirePaths)
            {
                if (!(node is YamlMappingNode m)) throw Fail(node, path, "must be a mapping with 'paths' and 'shell' or 'powershell'");
                CheckKeys(m, requirePaths ? new HashSet<string> { "paths", "shell", "powershell" } : new HashSet<string> { "shell", "powershell" }, path + ".");
                var r = new ChangeRule();
                if (requirePaths)
                {
                    r.Paths = StringList(m, "paths", path + ".paths");
                    if (r.Paths.Count == 0) throw Fail(Child(m, "paths") ?? m, path + ".paths", "needs at least one glob pattern");
                }
                var hasShell = Child(m, "shell") != null;
                var hasPs = Child(m, "powershell") != null;
                if (hasShell == hasPs) throw Fail(m, path, "needs exactly one of 'shell' or 'powershell'");
                r.Kind = hasShell ? StepKind.Shell : StepKind.PowerShell;
                r.Command = RequiredScalar(m, r.Kind, $"{path}.{r.Kind}");
                return r;
            }

            private void CheckKeys(YamlMappingNode m, HashSet<string> allowed, string prefix)
            {
                foreach (var key in m.Children.Keys)
                {
                    var name = (key as YamlScalarNode)?.Value ?? "";
                    if (allowed.Contains(name)) continue;
                    var closest = Values.ClosestName.Find(name, allowed);
                    problems.Add(Fail(key, prefix + name, "unknown field" + (closest != null ? $" (did you mean '{closest}'?)" : "") +
                        $"; expected one of {string.Join(", ", allowed.OrderBy(x => x, StringComparer.Ordinal))}"));
                }
            }

            private static string? OptionalScalarOrNull(YamlMappingNode m, string key) => (Child(m, key) as YamlScalarNode)?.Value;

            private static YamlNode? Child(YamlMappingNode m, string key) =>
                m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

            private string RequiredScalar(YamlMappingNode m, string key, string field)
            {
                var v = OptionalScalar(m, key, field);
                if (string.IsNullOrWhiteSpace(v)) throw Fail(Child(m, key) ?? m, field, "is required and must not be empty");
                return v!;
            }

            private string? OptionalScalar(YamlMappingNode m, string key, string field)
            {
                var n = Child(m, key);
                if (n == null) return null;
                if (!(n is YamlScalarNode s)) throw Fail(n, field, "must be a single value, not a list or mapping");
                return s.Value;
            }

            private double? OptionalNumber(YamlMappingNode m, string key, string field, double min, double max, bool integer = false)
            {
                var v = OptionalScalar(m, key, field);
                if (v == null) return null;
                if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || (integer && d != Math.Floor(d)))
                    throw Fail(Child(m, key)!, field, $"'{v}' is not {(integer ? "a whole number" : "a number")}");
                if (d < min || d > max) throw Fail(Child(m, key)!, field, $"{v} is outside {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
                return d;
            }

            private bool? OptionalBool(YamlMappingNode m, string key, string field)
            {
                var v = OptionalScalar(m, key, field);
                if (v == null) return null;
                switch (v.ToLowerInvariant())
                {
                    case "true": case "yes": case "on": return true;
                    case "false": case "no": case "off": return false;
                    default: throw Fail(Child(m, key)!, field, $"'{v}' is not true or false");
                }
            }

            private List<string> StringList(YamlMappingNode m, string key, string field)
            {
                var n = Child(m, key);
                if (n == null) return new List<string>();
                if (n is YamlScalarNode single) return string.IsNullOrEmpty(single.Value) ? new List<string>() : new List<string> { single.Value! };
                if (!(n is YamlSequenceNode seq)) throw Fail(n, field, "must be a list of values");
                var list = new List<string>();
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    if (!(seq.Children[i] is YamlScalarNode s)) throw Fail(seq.Children[i], $"{field}[{i}]", "must be a single value");
                    list.Add(s.Value ?? "");
                }
                return list;
            }

            private Dictionary<string, string> StringMap(YamlMappingNode m, string key, string field)
            {
                var n = Child(m, key);
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                if (n == null) return map;
                if (!(n is YamlMappingNode mm)) throw Fail(n, field, "must be a mapping of NAME: value");
                foreach (var kv in mm.Children)
                {
                    var name = (kv.Key as YamlScalarNode)?.Value ?? "";
                    if (!(kv.Value is YamlScalarNode v)) throw Fail(kv.Value, $"{field}.{name}", "must be a single value");
                    map[name] = v.Value ?? "";
                    if (Secrets.SecretReference.IsSecretName(name) && !string.IsNullOrEmpty(v.Value) && !Secrets.SecretReference.IsReference(v.Value))
                        Warnings.Add($"{source}:{kv.Key.Start.Line}:{kv.Key.Start.Column}: {field}.{name} holds a literal secret, which would be stored in every execution's history; " +
                            $"write '{name}: {Secrets.SecretReference.FormFor(name)}' and set {name} on the worker.");
                }
                return map;
            }
        }
    }
}
