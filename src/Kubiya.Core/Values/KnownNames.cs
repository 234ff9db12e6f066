using System;
using System.Collections.Generic;

namespace Kubiya.Core.Values
{
    /// <summary>
    /// Case-insensitive lookup of a value among a fixed set of names. The product's pipeline objects carry
    /// such values (status, priority, log kind, overlap) as strings, so <c>ConvertTo-Json</c> and
    /// <c>Export-Csv</c> write names where an enum would write numbers.
    /// </summary>
    public static class KnownNames
    {
        /// <summary>The canonical spelling of <paramref name="text"/> among <paramref name="names"/>, or null.</summary>
        public static string? Match(IReadOnlyList<string> names, string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var trimmed = text!.Trim();
            foreach (var name in names)
                if (string.Equals(name, trimmed, StringComparison.OrdinalIgnoreCase)) return name;
            return null;
        }
    }
}
