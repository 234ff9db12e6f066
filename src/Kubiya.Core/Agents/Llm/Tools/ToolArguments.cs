using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>A tool call's JSON arguments, read with errors the model can act on.</summary>
    public sealed class ToolArguments
    {
        private readonly string tool;
        private readonly JsonElement root;

        private ToolArguments(string tool, JsonElement root)
        {
            this.tool = tool;
            this.root = root;
        }

        /// <summary>Parses <paramref name="json"/> (an object; empty means no arguments).</summary>
        /// <exception cref="ToolException">Not a JSON object.</exception>
        public static ToolArguments Parse(string tool, string? json)
        {
            if (string.IsNullOrWhiteSpace(json)) json = "{}";
            try
            {
                using var doc = JsonDocument.Parse(json!);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new ToolException($"{tool}: arguments must be a JSON object");
                return new ToolArguments(tool, doc.RootElement.Clone());
            }
            catch (JsonException ex)
            {
                throw new ToolException($"{tool}: arguments are not valid JSON ({ex.Message})");
            }
        }

        /// <summary>The raw arguments object.</summary>
        public JsonElement Root => root;

        /// <summary>A required string (may be empty only when <paramref name="allowEmpty"/>).</summary>
        public string RequiredString(string name, bool allowEmpty = false)
        {
            var value = OptionalString(name);
            if (value == null) throw new ToolException($"{tool}: the argument '{name}' is required");
            if (!allowEmpty && value.Length == 0) throw new ToolException($"{tool}: the argument '{name}' must not be empty");
            return value;
        }

        /// <summary>A string, or null when absent.</summary>
        public string? OptionalString(string name)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.String) throw new ToolException($"{tool}: the argument '{name}' must be a string");
            return v.GetString();
        }

        /// <summary>A whole number, or null when absent.</summary>
        public long? OptionalInteger(string name, long minimum = long.MinValue)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            long n;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out n)) { }
            else if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), out n)) { }
            else throw new ToolException($"{tool}: the argument '{name}' must be a whole number");
            if (n < minimum) throw new ToolException($"{tool}: the argument '{name}' must be at least {minimum}");
            return n;
        }

        /// <summary>A positive number, or null when absent.</summary>
        public double? OptionalPositiveNumber(string name)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            double n;
            if (v.ValueKind == JsonValueKind.Number) n = v.GetDouble();
            else if (v.ValueKind != JsonValueKind.String || !double.TryParse(v.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out n))
                throw new ToolException($"{tool}: the argument '{name}' must be a number");
            if (!(n > 0)) throw new ToolException($"{tool}: the argument '{name}' must be greater than 0");
            return n;
        }

        /// <summary>A boolean, or <paramref name="fallback"/> when absent.</summary>
        public bool OptionalBool(string name, bool fallback)
        {
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
            if (v.ValueKind == JsonValueKind.True) return true;
            if (v.ValueKind == JsonValueKind.False) return false;
            if (v.ValueKind == JsonValueKind.String && bool.TryParse(v.GetString(), out var b)) return b;
            throw new ToolException($"{tool}: the argument '{name}' must be true or false");
        }

        /// <summary>A list of strings (a single string counts as one item), empty when absent.</summary>
        public List<string> StringList(string name)
        {
            var list = new List<string>();
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return list;
            if (v.ValueKind == JsonValueKind.String)
            {
                list.Add(v.GetString()!);
                return list;
            }
            if (v.ValueKind != JsonValueKind.Array) throw new ToolException($"{tool}: the argument '{name}' must be a list of strings");
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String) list.Add(item.GetString()!);
                else if (item.ValueKind == JsonValueKind.Number || item.ValueKind == JsonValueKind.True || item.ValueKind == JsonValueKind.False) list.Add(item.GetRawText());
                else throw new ToolException($"{tool}: every item of '{name}' must be a string");
            }
            return list;
        }

        /// <summary>A string-to-string map, empty when absent.</summary>
        public Dictionary<string, string> StringMap(string name)
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return map;
            if (v.ValueKind != JsonValueKind.Object) throw new ToolException($"{tool}: the argument '{name}' must be an object of strings");
            foreach (var p in v.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String) throw new ToolException($"{tool}: the value of '{name}.{p.Name}' must be a string");
                map[p.Name] = p.Value.GetString()!;
            }
            return map;
        }
    }
}
