using System.Text.RegularExpressions;

namespace Kubiya.Server.Engine;

/// <summary>
/// Namespace names as Temporal accepts them: 1-255 characters, letters, digits, '-', '_' and '.',
/// starting with a letter or digit. Names become database keys and appear in logs and URLs, so
/// paths, quotes and separators are refused up front.
/// </summary>
public static partial class NamespaceNames
{
    /// <summary>Longest accepted name.</summary>
    public const int MaxLength = 255;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Throws InvalidArgument unless <paramref name="name"/> is a valid namespace name.</summary>
    public static void Validate(string name)
    {
        if (name.Length <= MaxLength && Pattern().IsMatch(name)) return;
        throw ServerErrors.InvalidArgument(
            $"Invalid namespace name '{BoundedEcho.Of(name)}': use 1-{MaxLength} letters, digits, '-', '_' or '.', starting with a letter or digit.");
    }
}

/// <summary>Bounds what an error message repeats of a caller's input (a status must stay small).</summary>
public static class BoundedEcho
{
    /// <summary>Longest echoed input.</summary>
    public const int MaxChars = 64;

    /// <summary><paramref name="text"/> cut to <see cref="MaxChars"/> characters, control characters replaced.</summary>
    public static string Of(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var cut = text.Length > MaxChars ? text.Substring(0, MaxChars) + $"... ({text.Length} characters)" : text;
        var chars = cut.ToCharArray();
        for (var i = 0; i < chars.Length; i++) if (char.IsControl(chars[i])) chars[i] = ' ';
        return new string(chars);
    }
}
