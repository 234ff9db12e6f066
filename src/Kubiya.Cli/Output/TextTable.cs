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

    /// <summary>
    /// Writes the table; the last column is not padded, and is cut (ending in "...") so that rows
    /// fit <paramref name="maxWidth"/> (default: <see cref="TerminalWidth"/>) when the other columns leave room.
    /// </summary>
    public void Write(TextWriter w, int? maxWidth = null)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var room = (maxWidth ?? TerminalWidth()) is { } max ? max - widths.Take(widths.Length - 1).Sum(x => x + 2) : (int?)null;
        string Last(string c) => room is { } r && r >= 12 && c.Length > r ? c.Substring(0, r - 3) + "..." : c;
        void Line(string[] cells) =>
            w.WriteLine(string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? Last(c) : c.PadRight(widths[i]))).TrimEnd());
        Line(headers);
        foreach (var r in rows) Line(r);
    }

    /// <summary>
    /// The width text tables fit: <c>COLUMNS</c> when set, else the terminal's when stdout is one;
    /// null (no limit) for redirected output, so scripts read whole values.
    /// </summary>
    public static int? TerminalWidth()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0) return columns;
        try
        {
            return Console.IsOutputRedirected ? null : Console.WindowWidth > 0 ? Console.WindowWidth : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
