using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Kubiya.Core.Activities
{
    /// <summary>Builds the process that runs a shell or PowerShell step on this operating system.</summary>
    public static class CommandLocator
    {
        /// <summary>True on Windows.</summary>
        public static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>A shell command: bash (or sh) on Unix, cmd on Windows.</summary>
        public static ProcessStartInfo Shell(string command)
        {
            if (IsWindows)
                return new ProcessStartInfo(Environment.GetEnvironmentVariable("ComSpec") ?? "cmd.exe") { Arguments = "/d /s /c \"" + command + "\"" };
            var shell = FindOnPath("bash") ?? "/bin/sh";
            return new ProcessStartInfo(shell) { Arguments = "-c " + Quote(command) };
        }

        /// <summary>A PowerShell script through <c>pwsh</c> (or Windows PowerShell); null when neither exists.</summary>
        public static ProcessStartInfo? PowerShell(string script)
        {
            var exe = FindOnPath(IsWindows ? "pwsh.exe" : "pwsh") ?? (IsWindows ? FindOnPath("powershell.exe") : null);
            return exe == null ? null : PowerShell(script, exe);
        }

        /// <summary>A PowerShell script through the given PowerShell executable.</summary>
        public static ProcessStartInfo PowerShell(string script, string exe)
        {
            // Stop on the first error and hand native exit codes back, as a CI step would expect.
            var wrapped = "$ErrorActionPreference = 'Stop'\n" + script + "\nif ($LASTEXITCODE) { exit $LASTEXITCODE }";
            var encoded = Convert.ToBase64String(Encoding.Unicode.GetBytes(wrapped));
            return new ProcessStartInfo(exe) { Arguments = "-NoLogo -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand " + encoded };
        }

        /// <summary>Full path of <paramref name="name"/> on PATH, or null.</summary>
        public static string? FindOnPath(string name)
        {
            var path = Environment.GetEnvironmentVariable("PATH") ?? "";
            foreach (var dir in path.Split(Path.PathSeparator))
            {
                if (string.IsNullOrWhiteSpace(dir)) continue;
                try
                {
                    var candidate = Path.Combine(dir.Trim(), name);
                    if (File.Exists(candidate)) return candidate;
                }
                catch (ArgumentException)
                {
                    // A malformed PATH entry: skip it.
                }
            }
            return null;
        }

        /// <summary>Quotes one argument for the Windows-style command line .NET parses on every OS.</summary>
        public static string Quote(string arg)
        {
            var sb = new StringBuilder("\"");
            var backslashes = 0;
            foreach (var c in arg)
            {
                if (c == '\\') { backslashes++; continue; }
                if (c == '"')
                {
                    sb.Append('\\', backslashes * 2 + 1);
                    sb.Append('"');
                }
                else
                {
                    sb.Append('\\', backslashes);
                    sb.Append(c);
                }
                backslashes = 0;
            }
            sb.Append('\\', backslashes * 2);
            sb.Append('"');
            return sb.ToString();
        }
    }
}
