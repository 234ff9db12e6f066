using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Kubiya.Core.Activities;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>read_file, write_file, edit_file, list_files and search_files, confined by <see cref="WorkspacePaths"/>.</summary>
    internal static class FileTools
    {
        /// <summary>Files larger than this are not read whole or searched.</summary>
        public const long MaxFileBytes = 10L * 1024 * 1024;
        private const long MaxSearchFileBytes = 2L * 1024 * 1024;
        private const int MaxLineChars = 400;
        private static readonly UTF8Encoding Utf8NoBom = new UTF8Encoding(false);
        private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);

        public static ToolResult Read(WorkspacePaths paths, ToolArguments args, int maxBytes)
        {
            var path = args.RequiredString("path");
            var full = paths.Resolve(path);
            if (Directory.Exists(full)) throw new ToolException($"path '{path}' is a folder; use list_files to see its files");
            if (!File.Exists(full)) throw new ToolException($"file '{path}' does not exist");
            var start = args.OptionalInteger("startLine", 1) ?? 1;
            var end = args.OptionalInteger("endLine", 1);
            if (end != null && end < start) throw new ToolException($"read_file: endLine ({end}) is before startLine ({start})");
            if (end == null && new FileInfo(full).Length > MaxFileBytes && start == 1)
                throw new ToolException($"file '{path}' is larger than {MaxFileBytes / (1024 * 1024)} MB; read a range with startLine and endLine, or search it with search_files");
            if (LooksBinary(full)) throw new ToolException($"file '{path}' looks binary; read_file only reads text");

            var sb = new StringBuilder();
            var bytes = 0;
            long lineNumber = 0;
            long lastShown = 0;
            var cut = false;
            using (var reader = new StreamReader(full, Encoding.UTF8, true))
            {
                string? line;
                while ((line = reader.ReadLine()) != null)
                {
                    lineNumber++;
                    if (lineNumber < start) continue;
                    if (end != null && lineNumber > end) break;
                    var size = Encoding.UTF8.GetByteCount(line) + 1;
                    if (bytes + size > maxBytes)
                    {
                        cut = true;
                        break;
                    }
                    sb.Append(line).Append('\n');
                    bytes += size;
                    lastShown = lineNumber;
                }
            }
            if (lineNumber < start && start > 1)
                throw new ToolException($"file '{path}' has {lineNumber} lines; startLine {start} is past its end");
            if (cut) sb.Append($"[... cut after line {lastShown}: output is limited to {maxBytes} bytes; read on with startLine {lastShown + 1} ...]\n");
            return new ToolResult { Output = sb.ToString(), Truncated = cut };
        }

        public static ToolResult Write(WorkspacePaths paths, ToolArguments args)
        {
            var path = args.RequiredString("path");
            var content = args.RequiredString("content", allowEmpty: true);
            var full = paths.Resolve(path);
            if (Directory.Exists(full)) throw new ToolException($"path '{path}' is a folder");
            var folder = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            var existed = File.Exists(full);
            File.WriteAllText(full, content, Utf8NoBom);
            var size = Utf8NoBom.GetByteCount(content);
            return new ToolResult { Output = $"{(existed ? "replaced" : "created")} '{paths.Relative(full)}' ({size} bytes)" };
        }

        public static ToolResult Edit(WorkspacePaths paths, ToolArguments args)
        {
            var path = args.RequiredString("path");
            var oldText = args.RequiredString("oldText");
            var newText = args.RequiredString("newText", allowEmpty: true);
            var replaceAll = args.OptionalBool("replaceAll", false);
            var full = paths.Resolve(path);
            if (!File.Exists(full)) throw new ToolException($"file '{path}' does not exist");
            if (new FileInfo(full).Length > MaxFileBytes) throw new ToolException($"file '{path}' is larger than {MaxFileBytes / (1024 * 1024)} MB; edit_file does not edit it");
            var raw = File.ReadAllBytes(full);
            var hasBom = raw.Length >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF;
            var text = Encoding.UTF8.GetString(raw, hasBom ? 3 : 0, raw.Length - (hasBom ? 3 : 0));
            var count = Count(text, oldText);
            if (count == 0)
            {
                var hint = text.Contains("\r\n") && !oldText.Contains("\r\n") && Count(text, oldText.Replace("\n", "\r\n")) > 0
                    ? " (the file uses CRLF line endings; include them in oldText)" : "";
                throw new ToolException($"edit_file: the text to replace was not found in '{path}'{hint}; read the file and copy the text exactly");
            }
            if (count > 1 && !replaceAll)
                throw new ToolException($"edit_file: the text to replace was found {count} times in '{path}'; it must be unique: include more surrounding text, or set replaceAll");
            var updated = replaceAll ? text.Replace(oldText, newText) : ReplaceFirst(text, oldText, newText);
            var encoding = hasBom ? new UTF8Encoding(true) : Utf8NoBom;
            File.WriteAllText(full, updated, encoding);
            return new ToolResult { Output = $"edited '{paths.Relative(full)}': replaced {(replaceAll ? count : 1)} occurrence{(replaceAll && count > 1 ? "s" : "")}" };
        }

        public static ToolResult List(WorkspacePaths paths, ToolArguments args)
        {
            var pattern = args.OptionalString("pattern");
            if (string.IsNullOrWhiteSpace(pattern)) pattern = "*";
            var folderArg = args.OptionalString("path") ?? ".";
            var max = (int)Math.Min(args.OptionalInteger("maxResults", 1) ?? 500, 2000);
            var folder = paths.Resolve(folderArg);
            if (!Directory.Exists(folder)) throw new ToolException($"folder '{folderArg}' does not exist");
            var glob = Glob.ToRegex(pattern!);
            var found = new List<string>();
            var more = false;
            foreach (var file in Walk(paths, folder))
            {
                var relToFolder = RelativeTo(folder, file);
                if (!glob.IsMatch(relToFolder)) continue;
                if (found.Count == max)
                {
                    more = true;
                    break;
                }
                found.Add(paths.Relative(file));
            }
            found.Sort(StringComparer.Ordinal);
            var sb = new StringBuilder();
            foreach (var f in found) sb.Append(f).Append('\n');
            if (found.Count == 0) sb.Append($"no files match '{pattern}' under '{folderArg}'\n");
            if (more) sb.Append($"[... more than {max} files match; narrow the pattern or the folder ...]\n");
            return new ToolResult { Output = sb.ToString(), Truncated = more };
        }

        public static ToolResult Search(WorkspacePaths paths, ToolArguments args)
        {
            var pattern = args.RequiredString("pattern");
            var folderArg = args.OptionalString("path") ?? ".";
            var include = args.OptionalString("include");
            var ignoreCase = args.OptionalBool("ignoreCase", false);
            var max = (int)Math.Min(args.OptionalInteger("maxResults", 1) ?? 100, 1000);
            Regex regex;
            try
            {
                regex = new Regex(pattern, RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None), RegexTimeout);
            }
            catch (ArgumentException ex)
            {
                throw new ToolException($"search_files: the pattern is not a valid regular expression: {ex.Message}");
            }
            var folder = paths.Resolve(folderArg);
            if (!Directory.Exists(folder)) throw new ToolException($"folder '{folderArg}' does not exist");
            var includeGlob = string.IsNullOrWhiteSpace(include) ? null : Glob.ToRegex(include!);
            var sb = new StringBuilder();
            var matches = 0;
            var files = 0;
            var more = false;
            foreach (var file in Walk(paths, folder))
            {
                if (includeGlob != null && !includeGlob.IsMatch(RelativeTo(folder, file))) continue;
                if (new FileInfo(file).Length > MaxSearchFileBytes || LooksBinary(file)) continue;
                var rel = paths.Relative(file);
                var inFile = false;
                var lineNumber = 0;
                foreach (var line in ReadLines(file))
                {
                    lineNumber++;
                    bool hit;
                    try
                    {
                        hit = regex.IsMatch(line);
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        throw new ToolException("search_files: the pattern took too long to match; simplify it");
                    }
                    if (!hit) continue;
                    if (matches == max)
                    {
                        more = true;
                        break;
                    }
                    matches++;
                    if (!inFile) files++;
                    inFile = true;
                    var shown = line.Length > MaxLineChars ? line.Substring(0, MaxLineChars) + "..." : line;
                    sb.Append(rel).Append(':').Append(lineNumber).Append(": ").Append(shown).Append('\n');
                }
                if (more) break;
            }
            if (matches == 0) sb.Append($"no matches for /{pattern}/ under '{folderArg}'\n");
            else if (more) sb.Append($"[... stopped after {max} matches; narrow the pattern, the folder or include ...]\n");
            return new ToolResult { Output = sb.ToString(), Truncated = more };
        }

        /// <summary>Files under <paramref name="folder"/>, depth first; links are listed but never followed, .git is skipped.</summary>
        private static IEnumerable<string> Walk(WorkspacePaths paths, string folder)
        {
            var pending = new Stack<string>();
            pending.Push(folder);
            while (pending.Count > 0)
            {
                var dir = pending.Pop();
                FileSystemInfo[] entries;
                try
                {
                    entries = new DirectoryInfo(dir).GetFileSystemInfos();
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    continue;
                }
                foreach (var entry in entries.OrderByDescending(e => e.Name, StringComparer.Ordinal))
                {
                    var isLink = WorkspacePaths.IsLink(entry);
                    if (entry is DirectoryInfo && !isLink)
                    {
                        if (entry.Name != ".git") pending.Push(entry.FullName);
                        continue;
                    }
                    if (isLink)
                    {
                        // A link is only reported (and read) when it resolves to a file inside the folder.
                        string target;
                        try
                        {
                            target = paths.Resolve(paths.Relative(entry.FullName));
                        }
                        catch (ToolException)
                        {
                            continue;
                        }
                        if (!File.Exists(target)) continue;
                    }
                    yield return entry.FullName;
                }
            }
        }

        private static string RelativeTo(string folder, string file) =>
            file.Substring(folder.Length).TrimStart(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Replace('\\', '/');

        private static IEnumerable<string> ReadLines(string file)
        {
            StreamReader reader;
            try
            {
                reader = new StreamReader(file, Encoding.UTF8, true);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                yield break;
            }
            using (reader)
            {
                string? line;
                while ((line = reader.ReadLine()) != null) yield return line;
            }
        }

        private static bool LooksBinary(string file)
        {
            try
            {
                using var stream = File.OpenRead(file);
                var buffer = new byte[8192];
                var read = stream.Read(buffer, 0, buffer.Length);
                return Array.IndexOf(buffer, (byte)0, 0, read) >= 0;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return true;
            }
        }

        private static int Count(string text, string part)
        {
            var count = 0;
            var index = 0;
            while ((index = text.IndexOf(part, index, StringComparison.Ordinal)) >= 0)
            {
                count++;
                index += part.Length;
            }
            return count;
        }

        private static string ReplaceFirst(string text, string oldText, string newText)
        {
            var i = text.IndexOf(oldText, StringComparison.Ordinal);
            return text.Substring(0, i) + newText + text.Substring(i + oldText.Length);
        }
    }
}
