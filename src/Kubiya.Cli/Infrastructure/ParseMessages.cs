using System.Text.RegularExpressions;

namespace Kubiya.Cli.Infrastructure;

/// <summary>
/// Puts System.CommandLine's parse errors in the user's terms: a value of the wrong type names
/// what was expected (a whole number, a number...), not a .NET type.
/// </summary>
internal static class ParseMessages
{
    private static readonly Regex WrongType = new(@"Cannot parse argument '(?<value>[^']*)' for (?<what>option|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'",
        RegexOptions.CultureInvariant);

    /// <summary>The message, with a type mismatch said in words.</summary>
    public static string Readable(string message) => WrongType.Replace(message, m =>
        $"'{m.Groups["value"].Value}' is not a valid value for {m.Groups["name"].Value}: it must be {Expected(m.Groups["type"].Value)}");

    private static string Expected(string type) => type.Replace("System.Nullable`1[", "").TrimEnd(']') switch
    {
        "System.Int32" or "System.Int64" or "System.Int16" or "System.UInt16" or "System.UInt32" or "System.UInt64" or "System.Byte" => "a whole number",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a duration such as 00:05:00",
        "System.DateTime" or "System.DateTimeOffset" => "a date and time such as 2026-01-31T08:00",
        _ => "a value of the documented form",
    };
}
