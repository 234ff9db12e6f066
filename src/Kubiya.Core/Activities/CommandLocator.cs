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

        /// <summary>
        /// A PowerShell script through <c>pwsh</c> on PATH (or Windows PowerShell), else through the
        /// PowerShell that hosts this process (<see cref="HostPowerShell"/>); null when there is none.
        /// Steps never run inside the worker's process: environment variables are process-wide, so
        /// a step there would see the worker's own credentials and change the worker's environment.
        /// </summary>
        public static ProcessStartInfo? PowerShell(string script)
        {
            var exe = FindOnPath(IsWindows ? "pwsh.exe" : "pwsh") ?? (IsWindows ? FindOnPath("powershell.exe") : null);
            if (exe != null) return PowerShell(script, exe);
            var host = HostPowerShell();
            return host == null ? null : PowerShell(script, host.Value.Executable, host.Value.Assembly);
        }

        /// <summary>A PowerShell script through the given PowerShell executable (or <c>dotnet</c> with <paramref name="pwshDll"/>).</summary>
        public static ProcessStartInfo PowerShell(string script, string exe, string? pwshDll = null)
        {
            // Stop on the first error and hand native exit codes back, as a CI step would expect. The
            // user's script runs as a script block made from its own text, so an error's "Line | N"
            // is the line of the step's script, not of this wrapper.
            var text = Convert.ToBase64String(Encoding.UTF8.GetBytes(script));
            var wrapped = "$ErrorActionPreference = 'Stop'\n" +
                "& ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('" + text + "'))))\n" +
                "if ($LASTEXITCODE) { exit $LASTEXITCODE }";
            var encoded = Convert.ToBase64String(Encoding.Unicode.GetBytes(wrapped));
            var arguments = "-NoLogo -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand " + encoded;
            return new ProcessStartInfo(exe) { Arguments = pwshDll == null ? arguments : Quote(pwshDll) + " " + arguments };
        }

        /// <summary>
        /// The folder of the PowerShell that loaded Kubiya (its <c>$PSHOME</c>), set by the module, so
        /// a worker in a PowerShell that is not on PATH still finds it.
        /// </summary>
        public static string? PowerShellHome { get; set; }

        /// <summary>
        /// The PowerShell running this process: pwsh or powershell.exe itself, <c>dotnet pwsh.dll</c>
        /// (the PowerShell dotnet tool), or the pwsh in <see cref="PowerShellHome"/>. Null in other processes.
        /// </summary>
        public static (string Executable, string? Assembly)? HostPowerShell()
        {
            string? main;
            try
            {
                using var self = Process.GetCurrentProcess();
                main = self.MainModule?.FileName;
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is System.ComponentModel.Win32Exception || ex is NotSupportedException)
            {
                main = null;
            }
            var name = main == null ? "" : Path.GetFileNameWithoutExtension(main).ToLowerInvariant();
            if (main != null && (name == "pwsh" || name == "powershell")) return (main, null);
            var dotnet = name == "dotnet" ? main : FindOnPath(IsWindows ? "dotnet.exe" : "dotnet");
            if (name == "dotnet")
            {
                var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
                if (IsPwshDll(entry)) return (main!, entry);
            }
            if (string.IsNullOrEmpty(PowerShellHome)) return null;
            var exe = Path.Combine(PowerShellHome!, IsWindows ? "pwsh.exe" : "pwsh");
            if (File.Exists(exe)) return (exe, null);
            var dll = Path.Combine(PowerShellHome!, "pwsh.dll");
            return dotnet != null && IsPwshDll(dll) ? (dotnet, dll) : ((string, string?)?)null;
        }

        private static bool IsPwshDll(string? path) =>
            !string.IsNullOrEmpty(path) && string.Equals(Path.GetFileName(path), "pwsh.dll", StringComparison.OrdinalIgnoreCase) && File.Exists(path)
            && File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json"));

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
