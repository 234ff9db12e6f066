using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Agents
{
    /// <summary>
    /// The agents visible from a working directory: the built-ins, <c>~/.kubiya/agents/*.yaml</c>
    /// and <c>./.kubiya/agents/*.yaml</c> (project files win over user files of the same name).
    /// Files that fail to parse are kept as <see cref="Errors"/> instead of hiding the rest.
    /// </summary>
    public sealed class AgentCatalog
    {
        private readonly Dictionary<string, AgentDefinition> byName;

        private AgentCatalog(Dictionary<string, AgentDefinition> byName, List<KubiyaException> errors)
        {
            this.byName = byName;
            Errors = errors;
        }

        /// <summary>Valid agents, sorted by name.</summary>
        public IReadOnlyList<AgentDefinition> Agents => byName.Values.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList();

        /// <summary>
        /// The names of the teams (<paramref name="teams"/> true) or of the agents that are not teams,
        /// in the order of <see cref="Agents"/>: what "known here" lists in every not-found message.
        /// </summary>
        public IReadOnlyList<string> KnownNames(bool teams) =>
            Agents.Where(a => (a.Kind == AgentKind.Team) == teams).Select(a => a.Name).ToList();

        /// <summary>One error per file that could not be read.</summary>
        public IReadOnlyList<KubiyaException> Errors { get; }

        /// <summary>Problems of loaded agents that did not stop them loading (literal secrets), as FILE:LINE:COLUMN: text.</summary>
        public IReadOnlyList<string> Warnings => byName.Values.SelectMany(a => a.Warnings).Distinct().ToList();

        /// <summary>The warnings of <paramref name="agent"/> and, for a team, of its members.</summary>
        public IEnumerable<string> WarningsFor(AgentDefinition agent)
        {
            var list = new List<string>(agent.Warnings);
            if (agent.Kind == AgentKind.Team)
                foreach (var m in agent.Agents)
                    if (byName.TryGetValue(m, out var member)) list.AddRange(member.Warnings);
            return list.Distinct();
        }

        /// <summary>Name of the built-in agent that runs the prompt as a shell command.</summary>
        public const string ShellAgent = "shell";

        /// <summary>Name of the built-in agent that runs the prompt as a PowerShell script.</summary>
        public const string PowerShellAgent = "powershell";

        /// <summary>Loads the catalogue seen from <paramref name="workingDirectory"/>.</summary>
        public static AgentCatalog Load(KubiyaPaths paths, string workingDirectory)
        {
            var map = new Dictionary<string, AgentDefinition>(StringComparer.OrdinalIgnoreCase);
            foreach (var b in BuiltIns()) map[b.Name] = b;
            var errors = new List<KubiyaException>();
            foreach (var dir in new[] { paths.AgentsDirectory, KubiyaPaths.ProjectAgentsDirectory(workingDirectory) }.Distinct(StringComparer.Ordinal))
            {
                if (!Directory.Exists(dir)) continue;
                var seenHere = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                var files = Directory.GetFiles(dir, "*.yaml").Concat(Directory.GetFiles(dir, "*.yml")).OrderBy(f => f, StringComparer.Ordinal);
                foreach (var file in files)
                {
                    try
                    {
                        var a = AgentYamlReader.ReadFile(file);
                        if (seenHere.TryGetValue(a.Name, out var other))
                            throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, "DuplicateAgentName",
                                $"{file}: name: '{a.Name}' is already defined in {other}", file);
                        seenHere[a.Name] = file;
                        map[a.Name] = a;
                    }
                    catch (KubiyaException ex)
                    {
                        errors.Add(ex);
                    }
                    catch (IOException ex)
                    {
                        errors.Add(new KubiyaException(KubiyaErrorKind.InvalidDefinition, "UnreadableAgentFile", $"{file}: {ex.Message}", file, ex));
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException))
                    {
                        // Whatever one file does (unreadable, hostile, a parser fault), the other agents keep working.
                        errors.Add(new KubiyaException(KubiyaErrorKind.InvalidDefinition, "UnreadableAgentFile",
                            $"{file}: could not be read: {Configuration.YamlErrors.Describe(ex)}", file, ex));
                    }
                }
            }
            return new AgentCatalog(map, errors);
        }

        /// <summary>
        /// Finds an agent (or team) by name. A missing name whose file failed to parse reports that
        /// file's error, so the user sees why the agent is missing.
        /// </summary>
        /// <param name="name">The agent's or team's name.</param>
        /// <param name="team">A team is asked for: a missing one is reported in team terms, with the known teams.</param>
        public AgentDefinition Get(string name, bool team = false)
        {
            if (byName.TryGetValue(name, out var a)) return a;
            var broken = Errors.FirstOrDefault(e => e.Target is string f &&
                string.Equals(Path.GetFileNameWithoutExtension(f), name, StringComparison.OrdinalIgnoreCase));
            if (broken != null) throw broken;
            var suffix = Errors.Count > 0 ? $" ({Errors.Count} agent file(s) could not be read; run {{Get-KubiyaAgent}} to see why)" : "";
            if (team)
            {
                var teams = KnownNames(teams: true);
                throw new KubiyaException(KubiyaErrorKind.NotFound, "AgentNotFound",
                    $"No team named '{name}'. " + (teams.Count > 0 ? $"Known teams: {string.Join(", ", teams)}" : "No teams are defined here (a team is an agent file with 'kind: team')") + $"{suffix}.", name);
            }
            throw new KubiyaException(KubiyaErrorKind.NotFound, "AgentNotFound",
                $"No agent named '{name}'. Known agents: {string.Join(", ", KnownNames(teams: false))}" +
                (KnownNames(teams: true) is { Count: > 0 } known ? $"; teams: {string.Join(", ", known)}" : "") + $"{suffix}.", name);
        }

        /// <summary>
        /// The steps an execution runs in direct mode: a runbook's own steps, the prompt itself for
        /// the built-ins, or each member's steps in order for a team.
        /// </summary>
        public List<StepDefinition> StepsFor(AgentDefinition agent, string prompt)
        {
            switch (agent.Kind)
            {
                case AgentKind.BuiltIn:
                    return new List<StepDefinition> { new StepDefinition { Name = agent.Name, Kind = agent.Name == PowerShellAgent ? StepKind.PowerShell : StepKind.Shell, Command = prompt } };
                case AgentKind.Runbook:
                    return agent.Steps.Select(s => WithAgentEnv(s, agent, null)).ToList();
                case AgentKind.Team:
                    var steps = new List<StepDefinition>();
                    foreach (var member in MembersOf(agent))
                    {
                        if (member.Kind == AgentKind.Llm)
                            throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, "LlmMemberNeedsCoordinator",
                                $"{agent.Source}: team '{agent.Name}' has llm agent '{member.Name}', which only a coordinator team can run; add 'mode: coordinator' and a 'model:' to the team.", agent.Source);
                        var memberSteps = StepsFor(member, prompt);
                        steps.AddRange(memberSteps.Select(s => WithAgentEnv(s, member, member.Name + "/")));
                    }
                    return steps;
                default:
                    throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "AgentKindNotRunnable",
                        $"Agent '{agent.Name}' is an {agent.Kind} agent; only runbook, built-in and team agents run in direct mode.", agent.Name);
            }
        }

        /// <summary>
        /// The members of <paramref name="team"/>, in order. A name that is no agent here, or names a
        /// team, is reported at its place in the team's file with the team's name.
        /// </summary>
        public List<AgentDefinition> MembersOf(AgentDefinition team)
        {
            var members = new List<AgentDefinition>();
            for (var i = 0; i < team.Agents.Count; i++)
            {
                var name = team.Agents[i];
                var at = i < team.AgentLocations.Count ? team.AgentLocations[i] : team.Source;
                if (!byName.TryGetValue(name, out var member))
                {
                    var broken = Errors.FirstOrDefault(e => e.Target is string f &&
                        string.Equals(Path.GetFileNameWithoutExtension(f), name, StringComparison.OrdinalIgnoreCase));
                    var why = broken != null ? $"whose file could not be read ({broken.Message})" : $"which is not an agent here (known agents: {string.Join(", ", byName.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase))})";
                    throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, "TeamMemberNotFound",
                        $"{at}: agents[{i}]: team '{team.Name}' names '{name}', {why}.", team.Source);
                }
                if (member.Kind == AgentKind.Team)
                    throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, "NestedTeam",
                        $"{at}: agents[{i}]: team '{team.Name}' contains team '{member.Name}'; teams hold agents only.", team.Source);
                members.Add(member);
            }
            return members;
        }

        private static StepDefinition WithAgentEnv(StepDefinition s, AgentDefinition agent, string? prefix)
        {
            var env = new Dictionary<string, string>(agent.Env, StringComparer.Ordinal);
            foreach (var kv in s.Env) env[kv.Key] = kv.Value;
            // In a team, each member's steps see that member as KUBIYA_AGENT (KUBIYA_TEAM names the team).
            if (prefix != null) env["KUBIYA_AGENT"] = agent.Name;
            return new StepDefinition
            {
                Name = (prefix ?? "") + s.Name,
                Kind = s.Kind,
                Command = s.Command,
                Question = s.Question,
                Changes = s.Changes,
                Env = env,
                TimeoutSeconds = s.TimeoutSeconds,
                Retries = s.Retries,
                ContinueOnError = s.ContinueOnError,
                WorkingDirectory = s.WorkingDirectory,
            };
        }

        private static IEnumerable<AgentDefinition> BuiltIns()
        {
            yield return new AgentDefinition
            {
                Name = ShellAgent,
                Description = "Runs the prompt as a shell command (bash or sh; cmd on Windows).",
                Kind = AgentKind.BuiltIn,
                Tags = new List<string> { "built-in" },
                Source = "built-in",
            };
            yield return new AgentDefinition
            {
                Name = PowerShellAgent,
                Description = "Runs the prompt as a PowerShell script.",
                Kind = AgentKind.BuiltIn,
                Tags = new List<string> { "built-in" },
                Source = "built-in",
            };
        }
    }
}
