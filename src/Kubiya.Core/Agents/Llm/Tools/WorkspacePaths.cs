using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>
    /// Confines tool paths to the working directory. A path must be relative; it is resolved one
    /// component at a time on the real file system, following every link, so neither <c>..</c> nor a
    /// symbolic link (or junction) anywhere along the way can lead outside the folder.
    /// </summary>
    public sealed class WorkspacePaths
    {
        private const int MaxLinks = 40;
        // FileSystemInfo.LinkTarget exists from .NET 6; this library also runs on .NET Framework.
        private static readonly PropertyInfo? LinkTargetProperty = typeof(FileSystemInfo).GetProperty("LinkTarget");
        private static readonly StringComparison PathComparison =
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        /// <summary>Confines paths to <paramref name="workingDirectory"/>, which must exist.</summary>
        /// <exception cref="ToolException">The folder is missing or cannot be resolved.</exception>
        public WorkspacePaths(string workingDirectory)
        {
            if (string.IsNullOrWhiteSpace(workingDirectory) || !Directory.Exists(workingDirectory))
                throw new ToolException($"the working directory '{workingDirectory}' does not exist on this worker");
            Root = RealPath(Path.GetFullPath(workingDirectory));
        }

        /// <summary>The working directory, with every link resolved.</summary>
        public string Root { get; }

        /// <summary>
        /// The real full path of <paramref name="relativePath"/> inside the working directory.
        /// </summary>
        /// <exception cref="ToolException">The path is empty, absolute, or leads outside the folder.</exception>
        public string Resolve(string? relativePath)
        {
            var requested = relativePath ?? "";
            if (requested.Trim().Length == 0) requested = ".";
            if (requested.IndexOf('\0') >= 0) throw new ToolException($"path '{Shown(requested)}' contains a NUL character");
            if (Path.IsPathRooted(requested) || requested.StartsWith("~", StringComparison.Ordinal))
                throw new ToolException($"path '{requested}' is absolute; give a path relative to the working directory");
            var current = Root;
            var links = 0;
            var segments = requested.Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries);
            foreach (var segment in segments)
            {
                current = Step(current, segment, ref links, requested);
                if (!IsInside(current)) throw Outside(requested, null);
            }
            return current;
        }

        /// <summary>The path of <paramref name="fullPath"/> relative to the working directory, with '/' separators.</summary>
        public string Relative(string fullPath)
        {
            if (string.Equals(fullPath, Root, PathComparison)) return ".";
            var rel = fullPath.Substring(Root.Length).TrimStart(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            return rel.Replace('\\', '/');
        }

        /// <summary>True when <paramref name="fullPath"/> (already real) is the root or below it.</summary>
        public bool IsInside(string fullPath)
        {
            if (string.Equals(fullPath, Root, PathComparison)) return true;
            var prefix = Root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? Root : Root + Path.DirectorySeparatorChar;
            return fullPath.StartsWith(prefix, PathComparison);
        }

        /// <summary>True when the entry is a symbolic link or junction (not followed by directory walks).</summary>
        public static bool IsLink(FileSystemInfo info)
        {
            try
            {
                var attributes = info.Attributes;
                return (int)attributes != -1 && (attributes & FileAttributes.ReparsePoint) != 0;
            }
            catch (IOException)
            {
                return false;
            }
        }

        private string Step(string current, string segment, ref int links, string requested)
        {
            if (segment == ".") return current;
            if (segment == "..")
            {
                if (string.Equals(current, Root, PathComparison)) throw Outside(requested, null);
                return Path.GetDirectoryName(current) ?? current;
            }
            var next = Path.Combine(current, segment);
            var target = LinkTarget(next);
            if (target == null) return next;
            if (++links > MaxLinks) throw new ToolException($"path '{requested}' has too many levels of links");
            // A relative target is relative to the link's folder; resolve it the same careful way.
            var resolved = RealPath(Path.GetFullPath(Path.Combine(current, target)), ref links);
            if (!IsInside(resolved)) throw Outside(requested, Relative(next));
            return resolved;
        }

        private static ToolException Outside(string requested, string? link) =>
            new ToolException(link == null
                ? $"path '{requested}' is outside the working directory"
                : $"path '{requested}' is outside the working directory (the link '{link}' points outside it)");

        private static string RealPath(string fullPath)
        {
            var links = 0;
            return RealPath(fullPath, ref links);
        }

        /// <summary>Resolves every link in an absolute path, component by component.</summary>
        private static string RealPath(string fullPath, ref int links)
        {
            var root = Path.GetPathRoot(fullPath) ?? "";
            var current = root;
            var rest = new Queue<string>(fullPath.Substring(root.Length).Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries));
            while (rest.Count > 0)
            {
                var segment = rest.Dequeue();
                if (segment == ".") continue;
                if (segment == "..")
                {
                    current = Path.GetDirectoryName(current) ?? current;
                    continue;
                }
                var next = Path.Combine(current, segment);
                var target = LinkTarget(next);
                if (target == null)
                {
                    current = next;
                    continue;
                }
                if (++links > MaxLinks) throw new ToolException("a path has too many levels of links");
                var combined = Path.GetFullPath(Path.Combine(current, target));
                var remaining = rest.ToArray();
                rest.Clear();
                var targetRoot = Path.GetPathRoot(combined) ?? "";
                foreach (var s in combined.Substring(targetRoot.Length).Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries)) rest.Enqueue(s);
                foreach (var s in remaining) rest.Enqueue(s);
                current = targetRoot;
            }
            return current.Length > root.Length ? current.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) : current;
        }

        /// <summary>The target of the link at <paramref name="path"/>, or null when it is no link (or does not exist).</summary>
        private static string? LinkTarget(string path)
        {
            FileAttributes attributes;
            try
            {
                attributes = File.GetAttributes(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
            if ((attributes & FileAttributes.ReparsePoint) == 0) return null;
            FileSystemInfo info = (attributes & FileAttributes.Directory) != 0 ? new DirectoryInfo(path) : new FileInfo(path);
            var target = LinkTargetProperty?.GetValue(info) as string;
            // A reparse point this runtime cannot read (or not a link at all): refuse rather than guess.
            if (target == null) throw new ToolException($"'{Path.GetFileName(path)}' is a link or reparse point whose target cannot be checked");
            return target;
        }

        private static string Shown(string s) => s.Replace("\0", "\\0");
    }
}
