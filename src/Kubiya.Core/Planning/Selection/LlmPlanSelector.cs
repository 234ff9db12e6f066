using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Agents.Llm;
using Kubiya.Core.Agents.Llm.Models;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// Lets the configured model choose the agent and word the plan. Its answer must be one JSON
    /// object that follows <c>$defs/selection</c> of the plan schema and names a candidate; an
    /// invalid answer is sent back once with the problems, and a second invalid answer (or a
    /// failed call) returns null so the offline ranker decides.
    /// </summary>
    public sealed class LlmPlanSelector
    {
        /// <summary>Most candidates described to the model (the ranker's best first).</summary>
        public const int MaxCandidates = 30;
        private readonly IModelGateway gateway;
        private readonly string model;

        /// <summary>Creates the selector for <paramref name="model"/>.</summary>
        public LlmPlanSelector(IModelGateway gateway, string model)
        {
            this.gateway = gateway;
            this.model = model;
        }

        /// <summary>Model calls made by the last <see cref="SelectAsync"/> (1 or 2).</summary>
        public int Attempts { get; private set; }

        /// <summary>Tokens used by the last <see cref="SelectAsync"/>.</summary>
        public LlmUsage Usage { get; } = new LlmUsage();

        /// <summary>
        /// The model's valid choice, or null (with <paramref name="warn"/> told why) to fall back to the ranker.
        /// <paramref name="ranked"/> is every candidate in ranker order.
        /// </summary>
        public async Task<ModelSelection?> SelectAsync(string prompt, IReadOnlyList<RankedCandidate> ranked, Action<string>? warn, CancellationToken cancellationToken)
        {
            Attempts = 0;
            var offered = ranked.Take(MaxCandidates).Select(r => r.Candidate).ToList();
            var messages = new List<LlmMessage>
            {
                new LlmMessage { Role = LlmRoles.System, Text = SystemPrompt() },
                new LlmMessage { Role = LlmRoles.User, Text = UserPrompt(prompt, offered) },
            };
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                Attempts = attempt;
                ModelTurnResult result;
                try
                {
                    result = await gateway.CompleteAsync(new ModelTurnRequest { Model = model, Messages = messages, Temperature = 0 }, null, cancellationToken).ConfigureAwait(false);
                }
                catch (ModelCallException ex)
                {
                    warn?.Invoke($"Model '{model}' could not plan ({ex.Message}); the offline ranker chose instead.");
                    return null;
                }
                Usage.InputTokens += result.Usage.InputTokens;
                Usage.OutputTokens += result.Usage.OutputTokens;
                if (result.Usage.CostUsd is { } c) Usage.CostUsd = (Usage.CostUsd ?? 0) + c;
                var text = result.Message.Text ?? "";
                var problems = Validate(text, offered, out var selection);
                if (problems.Count == 0) return selection;
                if (attempt == 2)
                {
                    warn?.Invoke($"Model '{model}' answered twice without a valid plan ({string.Join("; ", problems.Take(2))}); the offline ranker chose instead.");
                    return null;
                }
                messages.Add(new LlmMessage { Role = LlmRoles.Assistant, Text = text });
                messages.Add(new LlmMessage
                {
                    Role = LlmRoles.User,
                    Text = "That answer is not valid: " + string.Join("; ", problems.Take(5)) +
                           ". Answer again with only the JSON object, following the schema, and an 'agent' from the candidate list.",
                });
            }
            return null;
        }

        /// <summary>Problems of a model answer (empty = valid, and <paramref name="selection"/> is set).</summary>
        public static List<string> Validate(string text, IReadOnlyList<PlanningCandidate> offered, out ModelSelection? selection)
        {
            selection = null;
            var json = StripFence(text);
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json);
            }
            catch (JsonException ex)
            {
                return new List<string> { "the answer is not a JSON object (" + ex.Message.Split('.')[0] + ")" };
            }
            using (doc)
            {
                var problems = PlanSchema.ValidateDefinition(doc.RootElement, "selection");
                if (problems.Count > 0) return problems;
                var s = doc.RootElement.Deserialize<ModelSelection>(PlanJson.Options)!;
                var chosen = offered.FirstOrDefault(c => string.Equals(c.Name, s.Agent, StringComparison.OrdinalIgnoreCase));
                if (chosen == null)
                    return new List<string> { $"$.agent: '{s.Agent}' is not one of the candidates ({string.Join(", ", offered.Select(c => c.Name).Take(10))})" };
                s.Agent = chosen.Name;
                s.Alternatives = s.Alternatives
                    .Where(a => offered.Any(c => string.Equals(c.Name, a.Name, StringComparison.OrdinalIgnoreCase)) && !string.Equals(a.Name, chosen.Name, StringComparison.OrdinalIgnoreCase))
                    .ToList();
                selection = s;
                return new List<string>();
            }
        }

        private static string StripFence(string text)
        {
            var t = text.Trim();
            if (t.StartsWith("```", StringComparison.Ordinal))
            {
                var firstLine = t.IndexOf('\n');
                var end = t.LastIndexOf("```", StringComparison.Ordinal);
                if (firstLine > 0 && end > firstLine) t = t.Substring(firstLine + 1, end - firstLine - 1).Trim();
            }
            return t;
        }

        private static string SystemPrompt() =>
            "You plan operations tasks for Kubiya. Choose exactly one agent or team from the candidate list to carry out the user's task. " +
            "Only names from the list are valid; the built-in shell and powershell agents are not candidates. " +
            "Answer with one JSON object and nothing else, following this JSON Schema:\n" + PlanSchema.DefinitionJson("selection");

        private static string UserPrompt(string prompt, IReadOnlyList<PlanningCandidate> offered)
        {
            var list = new JsonArray();
            foreach (var c in offered)
            {
                var o = new JsonObject
                {
                    ["name"] = c.Name,
                    ["kind"] = c.Kind,
                    ["description"] = c.Description,
                    ["tags"] = new JsonArray(c.Tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
                    ["steps"] = new JsonArray(c.Steps.Take(12).Select(s => (JsonNode)JsonValue.Create($"{s.Name}: {Short(s.Detail)}")!).ToArray()),
                };
                if (c.Tools.Count > 0) o["tools"] = new JsonArray(c.Tools.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
                list.Add(o);
            }
            return "Task: " + prompt + "\n\nCandidates:\n" + list.ToJsonString();
        }

        private static string Short(string s) => s.Length > 120 ? s.Substring(0, 117) + "..." : s;
    }
}
