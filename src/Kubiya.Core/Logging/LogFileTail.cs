using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Kubiya.Core.Logging
{
    /// <summary>
    /// Reads a worker log written by <see cref="RotatingFileWriter"/>: its last lines, and new lines
    /// as they are appended, across rotations (when <c>worker.log</c> becomes <c>worker.log.1</c>
    /// the rest of the old file is read before the new one).
    /// </summary>
    public static class LogFileTail
    {
        private const int FingerprintBytes = 64;

        /// <summary>
        /// The last <paramref name="count"/> lines of <paramref name="path"/> (all when null); empty
        /// when it does not exist. <paramref name="end"/> is the byte after the last line read,
        /// where <see cref="FollowAsync"/> continues without losing or repeating a line.
        /// </summary>
        public static IReadOnlyList<string> ReadLast(string path, int? count, out long end)
        {
            end = 0;
            if (!File.Exists(path)) return Array.Empty<string>();
            var lines = new List<string>();
            using (var fs = OpenShared(path)) end = ReadLines(fs, 0, lines.Add);
            return count is int n && n < lines.Count ? lines.Skip(lines.Count - n).ToList() : lines;
        }

        /// <summary>
        /// Calls <paramref name="onLine"/> for each complete line appended to <paramref name="path"/>
        /// after byte <paramref name="position"/>, until <paramref name="cancellationToken"/> is cancelled.
        /// </summary>
        public static async Task FollowAsync(string path, long position, Action<string> onLine, CancellationToken cancellationToken)
        {
            byte[]? fingerprint = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                if (File.Exists(path))
                {
                    try
                    {
                        using var fs = OpenShared(path);
                        var head = ReadHead(fs);
                        if (fingerprint != null && (fs.Length < position || !StartsWith(head, fingerprint)))
                        {
                            // Rotated: the file we were reading is now path.1.
                            var rotated = path + ".1";
                            if (File.Exists(rotated))
                            {
                                using var old = OpenShared(rotated);
                                if (StartsWith(ReadHead(old), fingerprint)) ReadLines(old, position, onLine);
                            }
                            position = 0;
                            fingerprint = null;
                        }
                        position = ReadLines(fs, position, onLine);
                        if (fingerprint == null || fingerprint.Length < FingerprintBytes) fingerprint = head;
                    }
                    catch (IOException)
                    {
                        // Caught mid-rotation: look again on the next round.
                    }
                }
                try
                {
                    await Task.Delay(250, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private static FileStream OpenShared(string path) =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        private static byte[] ReadHead(FileStream fs)
        {
            var head = new byte[Math.Min(FingerprintBytes, fs.Length)];
            fs.Position = 0;
            var read = 0;
            while (read < head.Length)
            {
                var n = fs.Read(head, read, head.Length - read);
                if (n == 0) break;
                read += n;
            }
            return read == head.Length ? head : head.Take(read).ToArray();
        }

        private static bool StartsWith(byte[] head, byte[] fingerprint)
        {
            var n = Math.Min(head.Length, fingerprint.Length);
            for (var i = 0; i < n; i++) if (head[i] != fingerprint[i]) return false;
            return head.Length >= fingerprint.Length;
        }

        /// <summary>Emits the complete lines after <paramref name="position"/>; returns the position after the last one.</summary>
        private static long ReadLines(FileStream fs, long position, Action<string> onLine)
        {
            if (fs.Length <= position) return position;
            fs.Position = position;
            var buffer = new byte[fs.Length - position];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = fs.Read(buffer, read, buffer.Length - read);
                if (n == 0) break;
                read += n;
            }
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                var length = i > start && buffer[i - 1] == (byte)'\r' ? i - start - 1 : i - start;
                onLine(Encoding.UTF8.GetString(buffer, start, length));
                start = i + 1;
            }
            return position + start;
        }
    }
}
