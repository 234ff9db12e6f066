using System;
using System.Text;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// Collects tool output up to a byte budget: the head and the tail are kept and the middle is
    /// replaced by a <c>[... N bytes truncated ...]</c> note, so a model sees how a command started
    /// and how it ended without an unbounded message. Thread-safe (stdout and stderr append concurrently).
    /// </summary>
    public sealed class BoundedOutput
    {
        /// <summary>Default budget: 32 KB of UTF-8.</summary>
        public const int DefaultMaxBytes = 32 * 1024;

        private readonly object gate = new object();
        private readonly int headBudget;
        private readonly int tailBudget;
        private readonly StringBuilder head = new StringBuilder();
        private readonly StringBuilder tail = new StringBuilder();
        private int headBytes;
        private long totalBytes;

        /// <summary>Keeps at most <paramref name="maxBytes"/> bytes (split between head and tail).</summary>
        public BoundedOutput(int maxBytes = DefaultMaxBytes)
        {
            if (maxBytes < 64) maxBytes = 64;
            headBudget = maxBytes / 2;
            tailBudget = maxBytes - headBudget;
        }

        /// <summary>Bytes appended so far.</summary>
        public long TotalBytes { get { lock (gate) return totalBytes; } }

        /// <summary>Appends one line (a newline is added).</summary>
        public void AppendLine(string line) => Append(line + "\n");

        /// <summary>Appends text.</summary>
        public void Append(string text)
        {
            if (string.IsNullOrEmpty(text)) return;
            lock (gate)
            {
                totalBytes += Encoding.UTF8.GetByteCount(text);
                if (tail.Length == 0 && headBytes < headBudget)
                {
                    var fits = Utf8.Prefix(text, headBudget - headBytes);
                    head.Append(fits);
                    headBytes += Encoding.UTF8.GetByteCount(fits);
                    text = text.Substring(fits.Length);
                    if (text.Length == 0) return;
                    // The head is full: the rest goes to the tail.
                    headBytes = headBudget;
                }
                tail.Append(text);
                // Each char is at least one byte, so chars beyond the budget can never be in the final tail.
                if (tail.Length > 2 * tailBudget) tail.Remove(0, tail.Length - tailBudget);
            }
        }

        /// <summary>True when something was cut.</summary>
        public bool Truncated
        {
            get
            {
                Render(out var cut);
                return cut > 0;
            }
        }

        /// <summary>The kept text, with a note where the middle was cut.</summary>
        public override string ToString() => Render(out _);

        private string Render(out long cut)
        {
            lock (gate)
            {
                var headText = head.ToString();
                var tailText = Utf8.Suffix(tail.ToString(), tailBudget);
                cut = totalBytes - Encoding.UTF8.GetByteCount(headText) - Encoding.UTF8.GetByteCount(tailText);
                if (cut <= 0) return headText + tailText;
                return headText + (headText.EndsWith("\n", StringComparison.Ordinal) ? "" : "\n")
                    + $"[... {cut} bytes truncated ...]\n" + tailText;
            }
        }

        /// <summary>Bounds one finished text the same way.</summary>
        public static string Bound(string text, int maxBytes, out bool truncated)
        {
            var output = new BoundedOutput(maxBytes);
            output.Append(text);
            truncated = output.Truncated;
            return output.ToString();
        }
    }

    /// <summary>Cuts strings to a UTF-8 byte budget without splitting a character.</summary>
    internal static class Utf8
    {
        public static string Prefix(string text, int maxBytes)
        {
            if (maxBytes <= 0) return "";
            if (Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
            var bytes = 0;
            var i = 0;
            while (i < text.Length)
            {
                var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
                var size = Encoding.UTF8.GetByteCount(text.Substring(i, width));
                if (bytes + size > maxBytes) break;
                bytes += size;
                i += width;
            }
            return text.Substring(0, i);
        }

        public static string Suffix(string text, int maxBytes)
        {
            if (maxBytes <= 0) return "";
            if (Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
            var bytes = 0;
            var i = text.Length;
            while (i > 0)
            {
                var width = char.IsLowSurrogate(text[i - 1]) && i - 2 >= 0 ? 2 : 1;
                var size = Encoding.UTF8.GetByteCount(text.Substring(i - width, width));
                if (bytes + size > maxBytes) break;
                bytes += size;
                i -= width;
            }
            return text.Substring(i);
        }
    }
}
