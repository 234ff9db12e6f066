using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Kubiya.Core.Workers
{
    /// <summary>A program and its arguments, kept apart until the process is started.</summary>
    public sealed class CommandLine
    {
        /// <summary>Creates a command.</summary>
        public CommandLine(string fileName, IEnumerable<string> arguments)
        {
            FileName = fileName;
            Arguments = arguments.ToList();
        }

        /// <summary>Program to run.</summary>
        public string FileName { get; }

        /// <summary>Arguments, unquoted.</summary>
        public IReadOnlyList<string> Arguments { get; }

        /// <summary>Extra environment variables.</summary>
        public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

        /// <summary>
        /// Joins arguments into one string that the .NET runtime (and the Windows C runtime)
        /// splits back into the same list: quotes around blanks, backslashes doubled before quotes.
        /// </summary>
        public static string Quote(IEnumerable<string> args) => string.Join(" ", args.Select(QuoteOne));

        private static string QuoteOne(string arg)
        {
            if (arg.Length > 0 && arg.All(c => !char.IsWhiteSpace(c) && c != '"')) return arg;
            var sb = new StringBuilder("\"");
            var backslashes = 0;
            foreach (var c in arg)
            {
                if (c == '\\') { backslashes++; continue; }
                if (c == '"') sb.Append('\\', backslashes * 2 + 1);
                else sb.Append('\\', backslashes);
                backslashes = 0;
                sb.Append(c);
            }
            sb.Append('\\', backslashes * 2).Append('"');
            return sb.ToString();
        }
    }
}
