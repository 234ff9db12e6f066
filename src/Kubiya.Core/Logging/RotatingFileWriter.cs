using System;
using System.IO;
using System.Text;
using Kubiya.Core.Security;

namespace Kubiya.Core.Logging
{
    /// <summary>
    /// Appends lines to a log file and rotates it by size: <c>worker.log</c> becomes
    /// <c>worker.log.1</c>, <c>.1</c> becomes <c>.2</c>, ... keeping at most N backups.
    /// Thread-safe; every line is flushed so a crash loses nothing already written.
    /// </summary>
    public sealed class RotatingFileWriter : IDisposable
    {
        private readonly object gate = new object();
        private readonly long maxBytes;
        private readonly int maxBackups;
        private FileStream? stream;
        private long size;

        /// <summary>Opens (appending) <paramref name="path"/>.</summary>
        /// <param name="path">Log file.</param>
        /// <param name="maxBytes">Rotate once the file would exceed this size (at least 1 KiB).</param>
        /// <param name="maxBackups">Rotated files kept (0 = truncate instead of keeping any).</param>
        public RotatingFileWriter(string path, long maxBytes = 100 * 1024 * 1024, int maxBackups = 5)
        {
            if (maxBytes < 1024) throw new ArgumentOutOfRangeException(nameof(maxBytes), "The log size limit must be at least 1024 bytes.");
            if (maxBackups < 0) throw new ArgumentOutOfRangeException(nameof(maxBackups), "The number of log backups cannot be negative.");
            Path = path;
            this.maxBytes = maxBytes;
            this.maxBackups = maxBackups;
            OwnerOnly.Folder(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            Open();
        }

        /// <summary>The current log file.</summary>
        public string Path { get; }

        private void Open()
        {
            OwnerOnly.Touch(Path);
            stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            size = stream.Length;
        }

        /// <summary>Appends one line (a newline is added).</summary>
        public void WriteLine(string line)
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            lock (gate)
            {
                if (stream == null) throw new ObjectDisposedException(nameof(RotatingFileWriter));
                if (size > 0 && size + bytes.Length > maxBytes) Rotate();
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush();
                size += bytes.Length;
            }
        }

        private void Rotate()
        {
            stream!.Dispose();
            if (maxBackups == 0)
            {
                File.Delete(Path);
            }
            else
            {
                var oldest = Backup(maxBackups);
                if (File.Exists(oldest)) File.Delete(oldest);
                for (var i = maxBackups - 1; i >= 1; i--)
                    if (File.Exists(Backup(i))) File.Move(Backup(i), Backup(i + 1));
                File.Move(Path, Backup(1));
            }
            Open();
        }

        private string Backup(int n) => Path + "." + n;

        /// <summary>Closes the file.</summary>
        public void Dispose()
        {
            lock (gate)
            {
                stream?.Dispose();
                stream = null;
            }
        }
    }
}
