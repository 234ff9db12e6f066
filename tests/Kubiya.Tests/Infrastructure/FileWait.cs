namespace Kubiya.Tests.Infrastructure;

/// <summary>Waits for a file a step writes (its pid, its execution id).</summary>
public static class FileWait
{
    /// <summary>The trimmed, non-empty text of <paramref name="path"/> once written.</summary>
    public static async Task<string> ReadWhenWrittenAsync(string path, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path))
            {
                var text = File.ReadAllText(path).Trim();
                if (text.Length > 0) return text;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException(path + " was not written");
    }
}
