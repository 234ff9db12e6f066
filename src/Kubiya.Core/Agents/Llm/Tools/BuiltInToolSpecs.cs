using System;

namespace Kubiya.Core.Agents.Llm.Tools
{
    /// <summary>Model-facing descriptions and JSON schemas of the built-in tools.</summary>
    internal static class BuiltInToolSpecs
    {
        private const string PathNote = "Relative to the working directory; absolute paths and '..' that leave it are refused.";

        public static ToolSpec Create(string name)
        {
            switch (name)
            {
                case BuiltInTools.Shell:
                    return Make(name,
                        "Run a shell command in the working directory (bash on Linux/macOS, cmd on Windows) and return its combined output and exit code. " +
                        "The command must not wait for input. Commands may be restricted by the agent's policy.",
                        Obj(Req("command"),
                            Str("command", "The command line to run."),
                            Num("timeoutSeconds", "Stop the command after this many seconds (bounded by the agent's limit).")));
                case BuiltInTools.PowerShell:
                    return Make(name,
                        "Run a PowerShell script in the working directory and return its output. Errors stop the script ($ErrorActionPreference = 'Stop'); " +
                        "a native command's non-zero exit code is returned. Scripts may be restricted by the agent's policy.",
                        Obj(Req("script"),
                            Str("script", "The PowerShell script to run."),
                            Num("timeoutSeconds", "Stop the script after this many seconds (bounded by the agent's limit).")));
                case BuiltInTools.ReadFile:
                    return Make(name,
                        "Read a text file. Optionally only a range of lines (1-based, inclusive). Long files are cut; read further with startLine.",
                        Obj(Req("path"),
                            Str("path", "File to read. " + PathNote),
                            Int("startLine", "First line to return (1-based). Default 1.", 1),
                            Int("endLine", "Last line to return (inclusive). Default: the end of the file.", 1)));
                case BuiltInTools.WriteFile:
                    return Make(name,
                        "Create a file or replace its whole content. Missing parent folders are created.",
                        Obj(Req("path", "content"),
                            Str("path", "File to write. " + PathNote),
                            Str("content", "The complete new content of the file.")));
                case BuiltInTools.EditFile:
                    return Make(name,
                        "Replace an exact piece of text in a file. oldText must appear exactly once (whitespace and line breaks included) " +
                        "unless replaceAll is true; otherwise the edit fails and says how many times it was found. Read the file first.",
                        Obj(Req("path", "oldText", "newText"),
                            Str("path", "File to edit. " + PathNote),
                            Str("oldText", "The exact text to replace (not empty)."),
                            Str("newText", "The text to put in its place."),
                            Bool("replaceAll", "Replace every occurrence instead of requiring exactly one. Default false.")));
                case BuiltInTools.ListFiles:
                    return Make(name,
                        "List files under a folder whose relative paths match a glob ('**' any folders, '*' within a name, '?' one character; " +
                        "a pattern without '/' matches file names in any folder). Paths use '/'. The .git folder is skipped.",
                        Obj(Req(),
                            Str("pattern", "Glob to match, e.g. '**/*.cs' or '*.md'. Default '*' (every file)."),
                            Str("path", "Folder to list. " + PathNote + " Default '.'."),
                            Int("maxResults", "Most paths to return (default 500, at most 2000).", 1)));
                case BuiltInTools.SearchFiles:
                    return Make(name,
                        "Search file contents with a .NET regular expression, line by line, and return matches as 'path:line: text'. " +
                        "Binary and very large files are skipped.",
                        Obj(Req("pattern"),
                            Str("pattern", "Regular expression to find in each line."),
                            Str("path", "Folder to search. " + PathNote + " Default '.'."),
                            Str("include", "Only files matching this glob, e.g. '*.cs'. Default: every file."),
                            Bool("ignoreCase", "Match without regard to case. Default false."),
                            Int("maxResults", "Most matching lines to return (default 100, at most 1000).", 1)));
                case BuiltInTools.Git:
                    return Make(name,
                        "Run git in the working directory's repository. Read-only subcommands: " + string.Join(", ", BuiltInTools.GitReadOnlySubcommands) +
                        "; others only when the agent's policy allows git writes.",
                        Obj(Req("subcommand"),
                            Str("subcommand", "The git subcommand, e.g. 'status', 'diff', 'log', 'show'."),
                            "\"args\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":\"Further arguments, one per item, e.g. [\\\"--stat\\\", \\\"HEAD~1\\\"].\"}",
                            Num("timeoutSeconds", "Stop git after this many seconds (bounded by the agent's limit).")));
                case BuiltInTools.HttpGet:
                    return Make(name,
                        "Fetch a URL with HTTP GET and return the status, content type and (bounded) body. Only hosts the agent's policy allows can be fetched.",
                        Obj(Req("url"),
                            Str("url", "Absolute http:// or https:// URL."),
                            "\"headers\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"},\"description\":\"Extra request headers.\"}",
                            Num("timeoutSeconds", "Give up after this many seconds (default 30).")));
                case BuiltInTools.AskUser:
                    return Make(name,
                        "Ask the person running this task a question and wait for the answer. Use it when you need a decision or information only they have.",
                        Obj(Req("question"),
                            Str("question", "The question, self-contained."),
                            "\"choices\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":\"Suggested answers, if the question has a few obvious ones.\"}"));
                case BuiltInTools.Checkpoint:
                    return Make(name,
                        "Record a progress checkpoint that people following the task see, e.g. after finishing a milestone.",
                        Obj(Req("message"),
                            Str("message", "What has been done so far, in one or two sentences.")));
                default:
                    throw new ArgumentException("Not a built-in tool: " + name, nameof(name));
            }
        }

        private static ToolSpec Make(string name, string description, string schema) =>
            new ToolSpec { Name = name, Description = description, ParametersJsonSchema = schema };

        private static string Obj(string required, params string[] properties) =>
            "{\"type\":\"object\",\"properties\":{" + string.Join(",", properties) + "},\"required\":[" + required + "],\"additionalProperties\":false}";

        private static string Req(params string[] names) => names.Length == 0 ? "" : "\"" + string.Join("\",\"", names) + "\"";

        private static string Str(string name, string description) => Prop(name, "string", description, null);
        private static string Bool(string name, string description) => Prop(name, "boolean", description, null);
        private static string Num(string name, string description) => Prop(name, "number", description, "\"exclusiveMinimum\":0");
        private static string Int(string name, string description, int minimum) => Prop(name, "integer", description, "\"minimum\":" + minimum);

        private static string Prop(string name, string type, string description, string? extra) =>
            "\"" + name + "\":{\"type\":\"" + type + "\",\"description\":" + System.Text.Json.JsonSerializer.Serialize(description) + (extra == null ? "" : "," + extra) + "}";
    }
}
