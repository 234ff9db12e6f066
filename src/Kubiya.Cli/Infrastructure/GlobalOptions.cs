using System.CommandLine;
using Kubiya.Cli.Output;

namespace Kubiya.Cli.Infrastructure;

/// <summary>Options every command accepts.</summary>
public static class GlobalOptions
{
    /// <summary>--output text|json|yaml.</summary>
    public static readonly Option<string> Output = CreateOutput();

    /// <summary>The chosen output format.</summary>
    public static OutputFormat Format(ParseResult parse) => parse.GetValue(Output) switch
    {
        "json" => OutputFormat.Json,
        "yaml" => OutputFormat.Yaml,
        _ => OutputFormat.Text,
    };

    private static Option<string> CreateOutput()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: text (for people), json or yaml (stable, for scripts).",
            DefaultValueFactory = _ => "text",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("text", "json", "yaml");
        return option;
    }
}
