namespace Kubiya.HelpGen;

/// <summary>Everything one cmdlet's help says, as read from its platyPS markdown.</summary>
public sealed class CommandHelp
{
    /// <summary>Verb-Noun.</summary>
    public required string Name { get; init; }
    /// <summary>The MAML file it belongs in (front matter <c>external help file</c>).</summary>
    public required string ExternalHelpFile { get; init; }
    /// <summary>Front matter <c>online version</c>; may be empty.</summary>
    public string OnlineVersion { get; init; } = "";
    /// <summary>Paragraphs of the synopsis.</summary>
    public List<string> Synopsis { get; } = new();
    /// <summary>Paragraphs of the description.</summary>
    public List<string> Description { get; } = new();
    /// <summary>Parameter sets in the order of the SYNTAX section.</summary>
    public List<SyntaxSet> Syntax { get; } = new();
    /// <summary>Parameters in the order of the PARAMETERS section.</summary>
    public List<ParameterHelp> Parameters { get; } = new();
    /// <summary>Examples in order.</summary>
    public List<ExampleHelp> Examples { get; } = new();
    /// <summary>Types accepted from the pipeline.</summary>
    public List<TypeHelp> Inputs { get; } = new();
    /// <summary>Types written to the pipeline.</summary>
    public List<TypeHelp> Outputs { get; } = new();
    /// <summary>Paragraphs of the notes.</summary>
    public List<string> Notes { get; } = new();
    /// <summary>Related links.</summary>
    public List<LinkHelp> Links { get; } = new();

    /// <summary>The part before the dash.</summary>
    public string Verb => Name.Split('-', 2)[0];
    /// <summary>The part after the dash.</summary>
    public string Noun => Name.Split('-', 2).ElementAtOrDefault(1) ?? "";
}

/// <summary>One parameter set of the SYNTAX section: its name and the parameters its syntax line names, in order.</summary>
public sealed record SyntaxSet(string Name, bool IsDefault, IReadOnlyList<string> ParameterNames, int Line);

/// <summary>One parameter: its text and one metadata block per group of parameter sets it behaves the same in.</summary>
public sealed class ParameterHelp
{
    /// <summary>Name without the dash.</summary>
    public required string Name { get; init; }
    /// <summary>Paragraphs of its description.</summary>
    public List<string> Description { get; } = new();
    /// <summary>Metadata blocks (the yaml blocks under the parameter).</summary>
    public List<ParameterMetadata> Metadata { get; } = new();
    /// <summary>Line of its heading.</summary>
    public int Line { get; init; }

    /// <summary>The block that applies in <paramref name="set"/>, or null when the parameter is not in it.</summary>
    public ParameterMetadata? For(string set) =>
        Metadata.FirstOrDefault(m => m.Sets.Contains(set, StringComparer.OrdinalIgnoreCase)) ?? Metadata.FirstOrDefault(m => m.InAllSets);
}

/// <summary>A yaml block under a parameter heading.</summary>
public sealed record ParameterMetadata(
    string Type,
    IReadOnlyList<string> Sets,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> AcceptedValues,
    bool Required,
    int? Position,
    string DefaultValue,
    string PipelineInput,
    bool Wildcards)
{
    /// <summary>True for <c>Parameter Sets: (All)</c>.</summary>
    public bool InAllSets => Sets.Count == 1 && Sets[0] == "(All)";

    /// <summary>A switch takes no value on the command line.</summary>
    public bool IsSwitch => Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase);
}

/// <summary>An example: title, introduction, code and remarks.</summary>
public sealed record ExampleHelp(string Title, IReadOnlyList<string> Introduction, string Code, IReadOnlyList<string> Remarks);

/// <summary>An input or output type and what it means.</summary>
public sealed record TypeHelp(string Name, IReadOnlyList<string> Description);

/// <summary>A related link; <see cref="Uri"/> is empty for links to other help topics.</summary>
public sealed record LinkHelp(string Text, string Uri);
