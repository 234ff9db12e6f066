using System;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Kubiya.Core.Configuration
{
    /// <summary>Turns YamlDotNet exceptions into one readable sentence, in the user's terms (no .NET type names).</summary>
    internal static class YamlErrors
    {
        private static readonly Regex TypeName = new Regex(@"'?\b(?:System|Kubiya|YamlDotNet)(?:\.[A-Za-z0-9_`+\[\]]+)+'?", RegexOptions.CultureInvariant);

        private static readonly Regex UnknownProperty = new Regex(@"Property '([^']*)' not found on type '([^']+)'", RegexOptions.CultureInvariant);

        public static string Describe(Exception ex)
        {
            if (UnknownKey(ex) is { } unknown) return unknown;
            // YamlDotNet wraps the useful message (e.g. "Property 'x' not found") one level down.
            var inner = ex.InnerException?.Message;
            var msg = !string.IsNullOrEmpty(inner) ? inner! : ex.Message;
            var idx = msg.IndexOf("): ", StringComparison.Ordinal);
            if (msg.StartsWith("(Line:", StringComparison.Ordinal) && idx > 0) msg = msg.Substring(idx + 3);
            if (msg.StartsWith("An item with the same key has already been added", StringComparison.Ordinal))
                return "a key appears twice in the same mapping (or is empty)";
            if (msg.IndexOf("was not in a correct format", StringComparison.OrdinalIgnoreCase) >= 0)
                return "a value is not a number where one is expected";
            if (msg.StartsWith("Exception during deserialization", StringComparison.Ordinal) || msg.StartsWith("Failed to create an instance", StringComparison.Ordinal))
                return "a value has the wrong shape (a single value, list or mapping was expected)";
            msg = TypeName.Replace(msg, m => Friendly(m.Value.Trim('\'')));
            return msg.Trim();
        }

        /// <summary>
        /// "unknown key 'queu' (did you mean 'queue'?); known keys: ..." for a key the target type has no
        /// property for, with the keys it does have (as YAML spells them: camelCase).
        /// </summary>
        private static string? UnknownKey(Exception ex)
        {
            var m = UnknownProperty.Match(ex.InnerException?.Message ?? ex.Message);
            if (!m.Success) m = UnknownProperty.Match(ex.Message);
            if (!m.Success) return null;
            var type = typeof(YamlErrors).Assembly.GetType(m.Groups[2].Value);
            if (type == null) return $"unknown key '{m.Groups[1].Value}'";
            var known = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite)
                .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name.Substring(1))
                .ToList();
            var key = m.Groups[1].Value;
            var section = type.IsNested && type.Name.EndsWith("Section", StringComparison.Ordinal)
                ? $" in '{char.ToLowerInvariant(type.Name[0])}{type.Name.Substring(1, type.Name.Length - "Section".Length - 1)}'"
                : "";
            var closest = Values.ClosestName.Find(key, known);
            return $"unknown key '{key}'{section}" + (closest != null ? $" (did you mean '{closest}'?)" : "") + $"; known keys: {string.Join(", ", known)}";
        }

        private static string Friendly(string type)
        {
            switch (type)
            {
                case "System.Int32": case "System.Int64": return "a whole number";
                case "System.Double": case "System.Single": case "System.Decimal": return "a number";
                case "System.Boolean": return "true or false";
                case "System.String": return "a single value";
                default: return type.StartsWith("System.Collections", StringComparison.Ordinal) ? "a list or mapping" : "a mapping";
            }
        }
    }
}
