using System.IO;
using System.Text;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Yaml
{
    /// <summary>
    /// Bounds a YAML file before it is parsed: the parser recurses once per nesting level, so a
    /// hostile file (200,000 nested <c>[</c>) would overflow the stack and end the process. Files
    /// larger than <see cref="MaxBytes"/> or nested deeper than <see cref="MaxDepth"/> are refused
    /// with the limit that was hit and where.
    /// </summary>
    public static class YamlLimits
    {
        /// <summary>Largest agent or configuration file read (1 MiB).</summary>
        public const int MaxBytes = 1024 * 1024;

        /// <summary>Deepest nesting accepted (each mapping value, list entry and open bracket counts one level).</summary>
        public const int MaxDepth = 100;

        /// <summary>Reads <paramref name="path"/> when it is within <see cref="MaxBytes"/>.</summary>
        public static string ReadFile(string path, string errorId)
        {
            var length = new FileInfo(path).Length;
            if (length > MaxBytes)
                throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, errorId,
                    $"{path}: the file is {length:N0} bytes; the limit is {MaxBytes:N0} bytes (1 MiB).", path);
            return File.ReadAllText(path);
        }

        /// <summary>Throws <see cref="KubiyaException"/> (<paramref name="errorId"/>) when <paramref name="yaml"/> exceeds a limit.</summary>
        public static void Check(string yaml, string source, string errorId)
        {
            if (Encoding.UTF8.GetByteCount(yaml) > MaxBytes)
                throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, errorId,
                    $"{source}: the text is larger than the limit of {MaxBytes:N0} bytes (1 MiB).", source);
            var (depth, line, column) = DeepestNesting(yaml);
            if (depth > MaxDepth)
                throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, errorId,
                    $"{source}:{line}:{column}: nesting is deeper than the limit of {MaxDepth} levels of lists and mappings.", source);
        }

        /// <summary>
        /// Where nesting first exceeds <see cref="MaxDepth"/> (or the deepest point): block levels by
        /// indentation and <c>- </c> entries, plus open flow collections (<c>[</c>, <c>{</c>) outside quotes and comments.
        /// </summary>
        internal static (int Depth, int Line, int Column) DeepestNesting(string yaml)
        {
            var indents = new System.Collections.Generic.List<int>();
            var flow = 0;
            var best = (Depth: 0, Line: 1, Column: 1);
            var lineNo = 0;
            foreach (var raw in yaml.Split('\n'))
            {
                lineNo++;
                var line = raw.TrimEnd('\r');
                var i = 0;
                while (i < line.Length && line[i] == ' ') i++;
                if (flow == 0)
                {
                    if (i >= line.Length || line[i] == '#') continue;
                    while (indents.Count > 0 && indents[indents.Count - 1] >= i) indents.RemoveAt(indents.Count - 1);
                    indents.Add(i);
                }
                var block = indents.Count;
                var quote = '\0';
                var valueStart = true;
                for (var c = i; c < line.Length; c++)
                {
                    var ch = line[c];
                    if (quote != '\0')
                    {
                        if (ch == quote) quote = '\0';
                        continue;
                    }
                    if (ch == '#' && (c == 0 || line[c - 1] == ' ' || line[c - 1] == '\t')) break;
                    if ((ch == '"' || ch == '\'') && (valueStart || flow > 0)) { quote = ch; valueStart = false; continue; }
                    if (ch == '-' && valueStart && flow == 0 && (c + 1 == line.Length || line[c + 1] == ' '))
                    {
                        block++; // "- - - x": each dash opens a list level
                        continue;
                    }
                    if ((ch == '[' || ch == '{') && (valueStart || flow > 0))
                    {
                        flow++;
                        if (block + flow > best.Depth) best = (block + flow, lineNo, c + 1);
                        if (best.Depth > MaxDepth) return best;
                        valueStart = true;
                        continue;
                    }
                    if ((ch == ']' || ch == '}') && flow > 0) { flow--; continue; }
                    if (ch == ',' && flow > 0) { valueStart = true; continue; }
                    if (ch == ':' && (c + 1 == line.Length || line[c + 1] == ' '))
                    {
                        if (flow == 0) block++;
                        valueStart = true;
                        continue;
                    }
                    if (ch != ' ' && ch != '\t') valueStart = false;
                }
                if (block + flow > best.Depth) best = (block + flow, lineNo, i + 1);
                if (best.Depth > MaxDepth) return best;
            }
            return best;
        }
    }
}
