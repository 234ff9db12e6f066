namespace Kubiya.Cli.Output;

/// <summary>A plain aligned table: upper-case headers, columns padded with two spaces.</summary>
public sealed class TextTable
{
    private readonly string[] headers;
    private readonly List<string[]> rows = new();
    private readonly List<(int Column, int Min, bool Last)> shrinkable = new();
    private const int LastColumnRoom = 12;

    /// <summary>Creates a table with these column headers.</summary>
    public TextTable(params string[] headers) => this.headers = headers;

    /// <summary>Adds a row (one cell per header).</summary>
    public TextTable Row(params string?[] cells)
    {
        rows.Add(cells.Select(c => string.IsNullOrEmpty(c) ? "-" : c!).ToArray());
        return this;
    }

    /// <summary>
    /// Lets column <paramref name="column"/> (not the last) be cut down to <paramref name="minWidth"/>
    /// when the last column would otherwise get less than 12 characters of a limited width; columns
    /// marked <paramref name="last"/> are cut only once the others are at their minimum.
    /// </summary>
    public TextTable Shrink(int column, int minWidth, bool last = false)
    {
        shrinkable.Add((column, Math.Max(minWidth, 4), last));
        return this;
    }

    /// <summary>
    /// Writes the table; the last column is not padded, and is cut (ending in "...") so that rows
    /// fit <paramref name="maxWidth"/> (default: <see cref="TerminalWidth"/>) when the other columns leave room;
    /// to make room, the widest <see cref="Shrink">shrinkable</see> columns are cut first.
    /// </summary>
    public void Write(TextWriter w, int? maxWidth = null)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var max = maxWidth ?? TerminalWidth();
        int? Room() => max is { } m ? m - widths.Take(widths.Length - 1).Sum(x => x + 2) : null;
        var cut = false;
        while (Room() is { } left && left < LastColumnRoom)
        {
            var candidates = shrinkable.Where(s => s.Column < widths.Length - 1 && widths[s.Column] > s.Min).ToList();
            if (candidates.Count == 0) break;
            var firstRound = candidates.Where(s => !s.Last).ToList();
            widths[(firstRound.Count > 0 ? firstRound : candidates).OrderByDescending(s => widths[s.Column]).First().Column]--;
            cut = true;
        }
        var room = Room();
        // Once other columns were cut for it, the last one is cut to whatever room is left.
        string Last(string c) => room is { } r && r >= (cut ? 6 : LastColumnRoom) && c.Length > r ? c.Substring(0, r - 3) + "..." : c;
        string Cell(string c, int i) => (c.Length > widths[i] ? c.Substring(0, widths[i] - 3) + "..." : c).PadRight(widths[i]);
        void Line(string[] cells) =>
            w.WriteLine(string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? Last(c) : Cell(c, i))).TrimEnd());
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
