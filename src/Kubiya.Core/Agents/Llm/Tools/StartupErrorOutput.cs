using System.Collections.Generic;
using System.Linq;
using Kubiya.Core.Secrets;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// The standard error of an MCP server while it starts, kept small and masked, so that a server
    /// that exits at once is reported with its own reason ("Error: Cannot find module ...") rather
    /// than only "the transport was closed".
    /// </summary>
    internal sealed class StartupErrorOutput
    {
        private const int FirstLines = 20;
        private const int LastLines = 3;
        private const int MaxLine = 300;
        private readonly SecretMasker masker;
        private readonly List<string> first = new List<string>();
        private readonly Queue<string> last = new Queue<string>();

        public StartupErrorOutput(SecretMasker masker) => this.masker = masker;

        /// <summary>Takes one line of the server's stderr (called from the transport's reader).</summary>
        public void Add(string line)
        {
            if (string.IsNullOrWhiteSpace(line)) return;
            var text = masker.Apply(line.Length > MaxLine ? line.Substring(0, MaxLine) + "..." : line).Trim();
            lock (first)
            {
                if (first.Count < FirstLines) first.Add(text);
                last.Enqueue(text);
                while (last.Count > LastLines) last.Dequeue();
            }
        }

        /// <summary>The first line that names an error, else the last lines; null when it wrote nothing.</summary>
        public string? Telling()
        {
            lock (first)
            {
                if (first.Count == 0) return null;
                var error = first.FirstOrDefault(l => l.IndexOf("error", System.StringComparison.OrdinalIgnoreCase) >= 0
                    || l.IndexOf("not found", System.StringComparison.OrdinalIgnoreCase) >= 0
                    || l.IndexOf("no such file", System.StringComparison.OrdinalIgnoreCase) >= 0);
                return error ?? string.Join(" | ", last);
            }
        }
    }
}
