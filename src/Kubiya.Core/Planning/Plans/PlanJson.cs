using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Planning
{
    /// <summary>Writes and reads plan files (camelCase JSON, <c>schemaVersion</c> first), validated against the plan schema.</summary>
    public static class PlanJson
    {
        /// <summary>The serializer options of plan files.</summary>
        public static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        };

        /// <summary>The JSON of <paramref name="plan"/>.</summary>
        public static string Write(KubiyaPlan plan) => JsonSerializer.Serialize(plan, Options);

        /// <summary>
        /// Reads a plan. Errors: <see cref="PlanErrors.PlanInvalidJson"/>,
        /// <see cref="PlanErrors.PlanSchemaVersionUnsupported"/>, <see cref="PlanErrors.PlanInvalid"/>;
        /// <paramref name="origin"/> names the source in them.
        /// </summary>
        public static KubiyaPlan Read(string json, string origin)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException ex)
            {
                var where = ex.LineNumber is { } line ? $" (line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1})" : "";
                throw PlanErrors.Create(KubiyaErrorKind.InvalidDefinition, PlanErrors.PlanInvalidJson, $"{origin} is not valid JSON{where}; a plan file is the JSON that New-KubiyaPlan or 'kubiya plan' writes.", origin, ex);
            }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    throw PlanErrors.Create(KubiyaErrorKind.InvalidDefinition, PlanErrors.PlanInvalid, $"{origin} is not a plan: it must be a JSON object.", origin);
                if (!root.TryGetProperty("schemaVersion", out var version))
                    throw PlanErrors.Create(KubiyaErrorKind.InvalidDefinition, PlanErrors.PlanInvalid, $"{origin} is not a plan: it has no 'schemaVersion'.", origin);
                if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != KubiyaPlan.CurrentSchemaVersion)
                    throw PlanErrors.Create(KubiyaErrorKind.InvalidDefinition, PlanErrors.PlanSchemaVersionUnsupported,
                        $"{origin} has plan schemaVersion {version.GetRawText()}; this version of Kubiya reads schemaVersion {KubiyaPlan.CurrentSchemaVersion}. Make the plan again with New-KubiyaPlan (or 'kubiya plan'), or update Kubiya.", origin);
                var problems = PlanSchema.ValidatePlan(root);
                if (problems.Count > 0)
                    throw PlanErrors.Create(KubiyaErrorKind.InvalidDefinition, PlanErrors.PlanInvalid,
                        $"{origin} does not follow the plan schema: {string.Join("; ", problems.Take(3))}{(problems.Count > 3 ? $" (and {problems.Count - 3} more)" : "")}.", origin);
                var plan = root.Deserialize<KubiyaPlan>(Options)!;
                plan.Origin = origin;
                return plan;
            }
        }
    }
}
