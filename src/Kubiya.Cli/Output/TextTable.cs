namespace Kubiya.Cli.Output;

/// <summary>A plain aligned table: upper-case headers, columns padded with two spaces.</summary>
public sealed class TextTable
{
    private readonly string[] headers;
    private readonly List<string[]> rows = new();

    /// <summary>Creates a table with these column headers.</summary>
    public TextTable(params string[] headers) => this.headers = headers;

    /// <summary>Adds a row (one cell per header).</summary>
    public TextTable Row(params string?[] cells)
    {
        rows.Add(cells.Select(c => string.IsNullOrEmpty(c) ? "-" : c!).ToArray());
        return this;
    }

    /// <summary>Writes the table; the last column is not padded.</summary>
    public void Write(TextWriter w)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        void Line(string[] cells) =>
            w.WriteLine(string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
        Line(headers);
        foreach (var r in rows) Line(r);
    }
}
