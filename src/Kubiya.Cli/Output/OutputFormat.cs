namespace Kubiya.Cli.Output;

/// <summary>How results are written.</summary>
public enum OutputFormat
{
    /// <summary>Aligned tables and key: value lines for people.</summary>
    Text,
    /// <summary>Indented JSON with camelCase names; the shape is documented and stable.</summary>
    Json,
    /// <summary>YAML with the same names and shape as JSON.</summary>
    Yaml,
}
