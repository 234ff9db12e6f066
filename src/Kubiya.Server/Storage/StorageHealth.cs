using Microsoft.Data.Sqlite;

namespace Kubiya.Server.Storage;

/// <summary>
/// Whether writes to the database currently succeed. A full disk makes every commit fail (timers
/// retry each second); the log says so once when it starts and once when writes succeed again,
/// instead of a stack trace per attempt.
/// </summary>
public sealed class StorageHealth(ILogger<StorageHealth> log)
{
    private const int SqliteFull = 13; // SQLITE_FULL
    private const int NoSpace = 28;    // ENOSPC
    private int full;

    /// <summary>What callers waiting for progress are told while the disk is full.</summary>
    public string DiskFullMessage => "The server's disk is full: it cannot record progress until space is freed (executions wait and then resume).";

    /// <summary>True while the last write failed for lack of space.</summary>
    public bool IsFull => Volatile.Read(ref full) == 1;

    /// <summary>True when <paramref name="ex"/> (or an inner exception) means the disk is full.</summary>
    public static bool IsDiskFull(Exception ex)
    {
        for (var e = ex; e != null; e = e.InnerException)
        {
            if (e is SqliteException s && (s.SqliteErrorCode == SqliteFull || s.SqliteExtendedErrorCode == SqliteFull)) return true;
            if (e is IOException io && ((io.HResult & 0xFFFF) == NoSpace || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase))) return true;
        }
        return false;
    }

    /// <summary>Records a failed write; true when it was the disk being full (already logged).</summary>
    public bool OnFailure(Exception ex)
    {
        if (!IsDiskFull(ex)) return false;
        if (Interlocked.Exchange(ref full, 1) == 0)
            log.LogError("The database's disk is full: writes fail until space is freed; executions wait and resume then ({Message}).", ex.Message);
        return true;
    }

    /// <summary>Records a successful write.</summary>
    public void OnSuccess()
    {
        if (Volatile.Read(ref full) == 1 && Interlocked.Exchange(ref full, 0) == 1)
            log.LogWarning("The database accepts writes again (disk space was freed).");
    }
}
