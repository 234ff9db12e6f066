using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Kubiya.Core.Agents.Llm;

namespace Kubiya.Core.Agents.Teams
{
    /// <summary>
    /// The coordinator's one tool, <c>delegate(agent, task)</c>: a single tool whose <c>agent</c>
    /// argument is an enum of the member names. One tool rather than one per member keeps member
    /// names free of the provider's function-name rules (dots, length) and lets the schema itself
    /// list the valid names; a name outside it still gets a clear tool error.
    /// </summary>
    public static class DelegateTool
    {
        /// <summary>Tool name the coordinator calls.</summary>
        public const string Name = "delegate";

        /// <summary>The tool as offered to the coordinator model.</summary>
        public static ToolSpec Spec(IReadOnlyList<TeamMemberInput> members)
        {
            var description = new StringBuilder(
                "Hand a sub-task to one team member and wait for its result. The member runs on its own as a separate execution " +
                "(it sees only the task text you give, so include every detail it needs) and returns its output. Members:");
            foreach (var m in members) description.Append("\n- ").Append(m.Name).Append(" (").Append(m.Kind).Append(')').Append(string.IsNullOrWhiteSpace(m.Description) ? "" : ": " + m.Description.Trim());
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("type", "object");
                w.WriteStartObject("properties");
                w.WriteStartObject("agent");
                w.WriteString("type", "string");
                w.WriteString("description", "Name of the team member to delegate to.");
                w.WriteStartArray("enum");
                foreach (var m in members) w.WriteStringValue(m.Name);
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteStartObject("task");
                w.WriteString("type", "string");
                w.WriteString("description", "The sub-task, complete and self-contained: it becomes the member's prompt.");
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteStartArray("required");
                w.WriteStringValue("agent");
                w.WriteStringValue("task");
                w.WriteEndArray();
                w.WriteBoolean("additionalProperties", false);
                w.WriteEndObject();
            }
            return new ToolSpec { Name = Name, Description = description.ToString(), ParametersJsonSchema = Encoding.UTF8.GetString(buffer.ToArray()) };
        }

        /// <summary>Default coordinator instructions when the team gives none.</summary>
        public static string Instructions(AgentDefinition team, IReadOnlyList<TeamMemberInput> members)
        {
            var text = new StringBuilder();
            text.Append(string.IsNullOrWhiteSpace(team.Instructions)
                ? $"You coordinate the team '{team.Name}'. {team.Description}".Trim() +
                  " Split the task into sub-tasks, hand each to the best member with the delegate tool, check what comes back, " +
                  "and delegate again when something is missing. When the task is done, answer with the final result in your own words."
                : team.Instructions!.Trim());
            text.Append("\n\nTeam members (call delegate with one of these names):");
            foreach (var m in members) text.Append("\n- ").Append(m.Name).Append(" (").Append(m.Kind).Append(')').Append(string.IsNullOrWhiteSpace(m.Description) ? "" : ": " + m.Description.Trim());
            return text.ToString();
        }

        /// <summary>Reads the arguments; null with <paramref name="error"/> when they are unusable.</summary>
        public static (string Agent, string Task)? Parse(string argumentsJson, out string? error)
        {
            error = null;
            try
            {
                using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) { error = "the arguments must be a JSON object with 'agent' and 'task'"; return null; }
                var agent = root.TryGetProperty("agent", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                var task = root.TryGetProperty("task", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (string.IsNullOrWhiteSpace(agent)) { error = "'agent' (the member's name) is required"; return null; }
                if (string.IsNullOrWhiteSpace(task)) { error = "'task' (what the member should do) is required"; return null; }
                return (agent!.Trim(), task!);
            }
            catch (JsonException ex)
            {
                error = "the arguments are not valid JSON: " + ex.Message;
                return null;
            }
        }

        /// <summary>The member named <paramref name="name"/> (case-insensitive), or null.</summary>
        public static TeamMemberInput? Find(IEnumerable<TeamMemberInput> members, string name) =>
            members.FirstOrDefault(m => string.Equals(m.Name, name, System.StringComparison.OrdinalIgnoreCase));
    }
}
