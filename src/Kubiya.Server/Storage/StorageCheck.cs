using Microsoft.Data.Sqlite;

namespace Kubiya.Server.Storage;

/// <summary>
/// Start-up checks that the database can really be written, so a read-only folder, file system or
/// database file is reported as what it is (instead of "in use by another server", or "ready"
/// followed by every write failing).
/// </summary>
public static class StorageCheck
{
    private const int ReadOnlyFileSystem = 30; // EROFS
    private const int SqliteReadOnly = 8;      // SQLITE_READONLY

    /// <summary>Throws when the database's folder does not accept new files.</summary>
    public static void FolderIsWritable(string dbPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(dbPath))!;
        var probe = Path.Combine(dir, $".kubiya-write-test-{Environment.ProcessId}");
        try
        {
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new StorageNotWritableException($"The database folder '{dir}' is not writable by this account; the server needs to create files there.", ex);
        }
        catch (IOException ex) when (IsReadOnlyFileSystem(ex))
        {
            throw new StorageNotWritableException($"The file system holding '{dir}' is read-only; the server needs to write its database there.", ex);
        }
    }

    /// <summary>Throws when the opened database rejects writes (a read-only file).</summary>
    public static void CanWrite(SqliteStore store, string dbPath)
    {
        try
        {
            // BEGIN IMMEDIATE takes the write lock, which a read-only database refuses.
            store.Exec("BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS write_probe(x); DROP TABLE write_probe; COMMIT;");
        }
        catch (SqliteException ex) when (IsReadOnly(ex))
        {
            throw new StorageNotWritableException($"The database file '{dbPath}' (or its -wal / -shm file) is read-only; make it writable by this account.", ex);
        }
    }

    /// <summary>True for SQLite's "attempt to write a readonly database".</summary>
    public static bool IsReadOnly(SqliteException ex) => ex.SqliteErrorCode == SqliteReadOnly;

    /// <summary>True for the error a read-only file system gives.</summary>
    public static bool IsReadOnlyFileSystem(IOException ex) =>
        (ex.HResult & 0xFFFF) == ReadOnlyFileSystem || ex.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The database cannot be written (read-only folder, file system or file).</summary>
public sealed class StorageNotWritableException(string message, Exception inner) : IOException(message, inner);
