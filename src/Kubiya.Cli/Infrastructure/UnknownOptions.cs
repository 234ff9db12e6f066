using System.CommandLine;
using System.CommandLine.Parsing;

namespace Kubiya.Cli.Infrastructure;

/// <summary>
/// Finds a word that looks like an option but names none of the command's: the parser would
/// otherwise take <c>--bogus</c> as the prompt. A value that really starts with a dash goes after
/// <c>--</c> (<c>kubiya exec --agent shell -- -v</c>).
/// </summary>
internal static class UnknownOptions
{
    /// <summary>The first such word, or null.</summary>
    public static string? Find(ParseResult parse)
    {
        var literal = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        var afterDoubleDash = false;
        foreach (var t in parse.Tokens)
        {
            if (t.Type == TokenType.DoubleDash) afterDoubleDash = true;
            else if (afterDoubleDash) literal.Add(t);
        }
        // Words the command's own arguments took (an option's value is the option's, and stays allowed).
        var taken = parse.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Where(t => !literal.Contains(t)).Select(t => t.Value);
        var unmatched = afterDoubleDash ? Enumerable.Empty<string>() : parse.UnmatchedTokens;
        return taken.Concat(unmatched).FirstOrDefault(LooksLikeOption);
    }

    private static bool LooksLikeOption(string word) =>
        word.Length > 1 && word[0] == '-' && !double.TryParse(word, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
}
