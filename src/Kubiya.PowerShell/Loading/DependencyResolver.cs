using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace Kubiya.PowerShell.Loading
{
    /// <summary>
    /// Chooses how dependencies load: on PowerShell 7 in an isolated load context (so other
    /// modules' versions of Temporalio, Protobuf or Microsoft.Extensions never collide with
    /// ours); on Windows PowerShell 5.1 through the AppDomain resolve event.
    /// </summary>
    internal static class DependencyResolver
    {
        private static int registered;

        /// <summary><c>Dependencies/</c> beside Kubiya.dll.</summary>
        public static string DependencyDirectory { get; } =
            Path.Combine(Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location) ?? ".", "Dependencies");

        /// <summary>True on .NET (Core), false on .NET Framework.</summary>
        public static bool IsCoreClr { get; } = !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        public static void Register()
        {
            if (Interlocked.Exchange(ref registered, 1) == 1) return;
            // Separate classes so the runtime never JITs load-context code on .NET Framework.
            if (IsCoreClr) CoreClrResolver.Register(DependencyDirectory);
            else DesktopResolver.Register(DependencyDirectory);
        }

        public static void Unregister()
        {
            if (Interlocked.Exchange(ref registered, 0) == 0) return;
            if (IsCoreClr) CoreClrResolver.Unregister();
            else DesktopResolver.Unregister();
        }

        /// <summary>File names a native library may have under <c>runtimes/RID/native</c>, most specific first.</summary>
        public static string[] NativeCandidates(string directory, string name)
        {
            var arch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "arm64" : "x64";
            string[] rids;
            string file;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                rids = new[] { "win-" + arch };
                file = name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? name : name + ".dll";
            }
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                rids = new[] { "osx-" + arch };
                file = "lib" + name + ".dylib";
            }
            else
            {
                var musl = File.Exists("/etc/alpine-release");
                rids = musl ? new[] { "linux-musl-" + arch, "linux-" + arch } : new[] { "linux-" + arch, "linux-musl-" + arch };
                file = "lib" + name + ".so";
            }
            var result = new string[rids.Length];
            for (var i = 0; i < rids.Length; i++) result[i] = Path.Combine(directory, "runtimes", rids[i], "native", file);
            return result;
        }
    }
}
