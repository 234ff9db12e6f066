using System.Text.RegularExpressions;

namespace Kubiya.HelpGen;

/// <summary>
/// <c>Kubiya.HelpGen --docs DIR --out DIR</c>: reads every <c>*.md</c> in DIR (one cmdlet each),
/// writes the MAML help files they name into the output folder and copies the
/// <c>about_*.help.txt</c> topics there. Every problem in every file is reported before it fails.
/// </summary>
public static partial class Program
{
    [GeneratedRegex(@"^about_[A-Za-z0-9_]+\.help\.txt$")]
    private static partial Regex AboutFileName();

    /// <summary>Exit code 0 on success, 1 when a source file is invalid, 2 on bad arguments.</summary>
    public static int Main(string[] args)
    {
        string? docs = null, output = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--docs") docs = args[i + 1];
            else if (args[i] == "--out") output = args[i + 1];
        }
        if (docs == null || output == null || args.Length != 4)
        {
            Console.Error.WriteLine("usage: Kubiya.HelpGen --docs <docs/help folder> --out <module culture folder, e.g. out/Release/Kubiya/en-US>");
            return 2;
        }
        if (!Directory.Exists(docs))
        {
            Console.Error.WriteLine($"error KHELP: help source folder '{docs}' does not exist");
            return 2;
        }
        var (commands, aboutFiles, errors) = Read(docs);
        foreach (var e in errors) Console.Error.WriteLine(e.ToCanonical());
        if (errors.Count > 0) return 1;

        Directory.CreateDirectory(output);
        foreach (var group in commands.GroupBy(c => c.ExternalHelpFile, StringComparer.OrdinalIgnoreCase))
            MamlWriter.Save(group.OrderBy(c => c.Name, StringComparer.Ordinal), Path.Combine(output, group.Key));
        foreach (var about in aboutFiles) File.Copy(about, Path.Combine(output, Path.GetFileName(about)), overwrite: true);
        Console.WriteLine($"Kubiya help -> {Path.GetFullPath(output)} ({commands.Count} commands, {aboutFiles.Count} about topics)");
        return 0;
    }

    /// <summary>Parses the folder; never throws for bad content, returning every error instead.</summary>
    public static (List<CommandHelp> Commands, List<string> AboutFiles, List<HelpFormatException> Errors) Read(string docs)
    {
        var commands = new List<CommandHelp>();
        var errors = new List<HelpFormatException>();
        foreach (var file in Directory.GetFiles(docs, "*.md").OrderBy(f => f, StringComparer.Ordinal))
        {
            try
            {
                commands.Add(PlatyPsParser.ParseFile(file));
            }
            catch (HelpFormatException ex)
            {
                errors.Add(ex);
            }
        }
        var abouts = Directory.GetFiles(docs, "*.txt").OrderBy(f => f, StringComparer.Ordinal).ToList();
        foreach (var about in abouts) CheckAbout(about, errors);
        return (commands, abouts, errors);
    }

    private static void CheckAbout(string path, List<HelpFormatException> errors)
    {
        var name = Path.GetFileName(path);
        if (!AboutFileName().IsMatch(name))
        {
            errors.Add(new HelpFormatException(path, 0, "about topics are named about_<Topic>.help.txt"));
            return;
        }
        var topic = name[..^".help.txt".Length];
        var lines = File.ReadAllLines(path);
        var first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first < 0 || lines[first].Trim() != "TOPIC" || first + 1 >= lines.Length || lines[first + 1].Trim() != topic)
            errors.Add(new HelpFormatException(path, first + 1, $"an about topic starts with 'TOPIC' and then '    {topic}'"));
        if (!lines.Any(l => l.Trim() == "SHORT DESCRIPTION"))
            errors.Add(new HelpFormatException(path, 0, "an about topic needs a 'SHORT DESCRIPTION' heading"));
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].Length > 80)
                errors.Add(new HelpFormatException(path, i + 1, $"line is {lines[i].Length} characters; about topics wrap at 80 so they read well in any console"));
    }
}
