using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// The plan JSON Schema shipped in the repository (<c>schemas/kubiya-plan.schema.json</c>,
    /// embedded in this assembly) and a validator for the keywords it uses: type, required,
    /// properties, additionalProperties, items, enum, const, minLength, minimum, pattern and
    /// local <c>$ref</c>s.
    /// </summary>
    public static class PlanSchema
    {
        private const string ResourceName = "Kubiya.Core.Planning.kubiya-plan.schema.json";
        private static readonly Lazy<JsonDocument> Document = new Lazy<JsonDocument>(Load);

        /// <summary>The schema text.</summary>
        public static string Text
        {
            get
            {
                using var stream = typeof(PlanSchema).Assembly.GetManifestResourceStream(ResourceName)
                    ?? throw new InvalidOperationException("The plan schema resource is missing from Kubiya.Core.");
                using var reader = new StreamReader(stream);
                return reader.ReadToEnd();
            }
        }

        /// <summary>Problems of <paramref name="value"/> against the whole plan schema (empty = valid).</summary>
        public static List<string> ValidatePlan(JsonElement value) => Validate(value, Document.Value.RootElement);

        /// <summary>Problems of <paramref name="value"/> against <c>$defs/NAME</c> (e.g. <c>selection</c>).</summary>
        public static List<string> ValidateDefinition(JsonElement value, string name) =>
            Validate(value, Document.Value.RootElement.GetProperty("$defs").GetProperty(name));

        /// <summary>The <c>$defs/NAME</c> schema as JSON (handed to models as the response format).</summary>
        public static string DefinitionJson(string name) => Document.Value.RootElement.GetProperty("$defs").GetProperty(name).GetRawText();

        private static JsonDocument Load() => JsonDocument.Parse(Text);

        private static List<string> Validate(JsonElement value, JsonElement schema)
        {
            var errors = new List<string>();
            Check(value, schema, "$", errors);
            return errors;
        }

        private static void Check(JsonElement v, JsonElement s, string path, List<string> errors)
        {
            if (s.TryGetProperty("$ref", out var r))
            {
                var reference = r.GetString() ?? "";
                var target = Document.Value.RootElement;
                foreach (var part in reference.TrimStart('#').Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries))
                    target = target.GetProperty(part);
                Check(v, target, path, errors);
                return;
            }
            if (s.TryGetProperty("type", out var type))
            {
                var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : new List<string> { type.GetString()! };
                if (!allowed.Any(t => IsType(v, t)))
                {
                    errors.Add($"{path}: must be {string.Join(" or ", allowed)}, not {Describe(v)}");
                    return;
                }
            }
            if (s.TryGetProperty("const", out var c) && !JsonEquals(v, c))
                errors.Add($"{path}: must be {c.GetRawText()}");
            if (s.TryGetProperty("enum", out var e) && !e.EnumerateArray().Any(x => JsonEquals(v, x)))
                errors.Add($"{path}: must be one of {string.Join(", ", e.EnumerateArray().Select(x => x.GetRawText()))}");
            if (v.ValueKind == JsonValueKind.String)
            {
                var str = v.GetString()!;
                if (s.TryGetProperty("minLength", out var ml) && str.Length < ml.GetInt32())
                    errors.Add($"{path}: must not be empty");
                if (s.TryGetProperty("pattern", out var p) && !Regex.IsMatch(str, p.GetString()!, RegexOptions.CultureInvariant))
                    errors.Add($"{path}: '{Short(str)}' does not match {p.GetString()}");
            }
            if (v.ValueKind == JsonValueKind.Number && s.TryGetProperty("minimum", out var min) && v.GetDouble() < min.GetDouble())
                errors.Add($"{path}: must be at least {min.GetRawText()}");
            if (v.ValueKind == JsonValueKind.Object)
            {
                var props = s.TryGetProperty("properties", out var pr) ? pr : default;
                if (s.TryGetProperty("required", out var req))
                    foreach (var name in req.EnumerateArray().Select(x => x.GetString()!))
                        if (!v.TryGetProperty(name, out _)) errors.Add($"{path}: '{name}' is required");
                foreach (var prop in v.EnumerateObject())
                {
                    if (props.ValueKind == JsonValueKind.Object && props.TryGetProperty(prop.Name, out var ps))
                        Check(prop.Value, ps, path + "." + prop.Name, errors);
                    else if (s.TryGetProperty("additionalProperties", out var ap) && ap.ValueKind == JsonValueKind.False)
                        errors.Add($"{path}: unknown property '{prop.Name}'");
                }
            }
            if (v.ValueKind == JsonValueKind.Array && s.TryGetProperty("items", out var items))
            {
                var i = 0;
                foreach (var item in v.EnumerateArray()) Check(item, items, $"{path}[{i++}]", errors);
            }
        }

        private static bool IsType(JsonElement v, string type) => type switch
        {
            "object" => v.ValueKind == JsonValueKind.Object,
            "array" => v.ValueKind == JsonValueKind.Array,
            "string" => v.ValueKind == JsonValueKind.String,
            "boolean" => v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False,
            "null" => v.ValueKind == JsonValueKind.Null,
            "number" => v.ValueKind == JsonValueKind.Number,
            "integer" => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _),
            _ => false,
        };

        private static string Describe(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Undefined => "missing",
            _ => v.ValueKind.ToString().ToLowerInvariant(),
        };

        private static bool JsonEquals(JsonElement a, JsonElement b)
        {
            if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number) return a.GetDouble() == b.GetDouble();
            return a.ValueKind == b.ValueKind && a.GetRawText() == b.GetRawText();
        }

        private static string Short(string s) => s.Length > 40 ? s.Substring(0, 37) + "..." : s;
    }
}
