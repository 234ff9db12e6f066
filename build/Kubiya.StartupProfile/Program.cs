using System.Runtime.Loader;
using Kubiya.StartupProfile;

// Kubiya.StartupProfile --out FILE.mibc --home NAME --references LIST ASSEMBLY.dll...
// Lists the async state machine boxes of each assembly given in a .mibc profile for crossgen2, all
// for the assembly NAME: the one compiled with --non-local-generics-module:NAME, which then holds
// their code (the runtime looks there for generic code that the generic's own modules lack).
// LIST is a file naming one reference assembly per line (the publish's ReadyToRun references).
string? output = null, home = null, references = null;
var inputs = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length) output = args[++i];
    else if (args[i] == "--home" && i + 1 < args.Length) home = args[++i];
    else if (args[i] == "--references" && i + 1 < args.Length) references = args[++i];
    else inputs.Add(args[i]);
}
if (output == null || home == null || references == null || inputs.Count == 0)
{
    Console.Error.WriteLine("usage: Kubiya.StartupProfile --out FILE.mibc --home NAME --references LIST ASSEMBLY.dll...");
    return 2;
}

// The framework comes from this process's own runtime; everything else from the publish's references.
var byName = File.ReadAllLines(references).Concat(inputs).Where(l => l.Length > 0)
    .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase)
    .ToDictionary(g => g.Key, g => Path.GetFullPath(g.Last()), StringComparer.OrdinalIgnoreCase);
var context = new AssemblyLoadContext("profile");
context.Resolving += (c, name) => byName.TryGetValue(name.Name!, out var path) ? c.LoadFromAssemblyPath(path) : null;
var writer = new MibcWriter();
foreach (var input in inputs)
{
    var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(input));
    var count = writer.AddGroup(home, AsyncBoxes.Of(assembly));
    Console.WriteLine($"{assembly.GetName().Name}: {count} methods of async state machine boxes");
}
writer.Save(output);
return 0;
