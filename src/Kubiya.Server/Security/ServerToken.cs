using System.Security.Cryptography;

namespace Kubiya.Server.Security;

/// <summary>
/// The embedded server's caller token: random, created at first start in the server's folder,
/// readable only by its owner. Every caller (module, CLI, workers) reads it and sends it as
/// <c>authorization: Bearer TOKEN</c>, so another account on the same host cannot use the server.
/// </summary>
public static class ServerToken
{
    /// <summary>Name of the token file in the server's folder.</summary>
    public const string FileName = "server.token";

    /// <summary>The token file beside <paramref name="dbPath"/>.</summary>
    public static string DefaultPath(string dbPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dbPath)) ?? ".", FileName);

    /// <summary>Reads the token at <paramref name="path"/>, creating it (owner-only) when missing or empty.</summary>
    public static string LoadOrCreate(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) OwnerOnly.Folder(dir);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (File.Exists(path))
            {
                var text = File.ReadAllText(path).Trim();
                if (text.Length >= 32)
                {
                    OwnerOnly.File(path);
                    return text;
                }
                File.Delete(path);
            }
            var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
            var tmp = path + "." + Environment.ProcessId + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var f = new FileStream(tmp, options))
            using (var w = new StreamWriter(f))
                w.Write(token);
            try
            {
                // No overwrite: when two servers race, the first file wins and both read it.
                File.Move(tmp, path, overwrite: false);
                return token;
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(tmp);
            }
        }
        throw new IOException($"Could not create the token file {path}.");
    }
}
