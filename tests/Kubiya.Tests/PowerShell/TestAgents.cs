namespace Kubiya.Tests.PowerShell;

/// <summary>Writes agent YAML files for tests.</summary>
public static class TestAgents
{
    /// <summary>Writes ./.kubiya/agents/FILE.yaml below <paramref name="workingDirectory"/>; returns its path.</summary>
    public static string WriteProjectAgent(string workingDirectory, string file, string yaml)
    {
        var dir = Path.Combine(workingDirectory, ".kubiya", "agents");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, file + ".yaml");
        File.WriteAllText(path, yaml.Replace("\r\n", "\n"));
        return path;
    }
}
