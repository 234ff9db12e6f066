using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Kubiya.PowerShell.Loading
{
    /// <summary>
    /// Windows PowerShell 5.1: resolve missing assemblies from <c>Dependencies/</c> and preload the
    /// Temporal native bridge so its P/Invokes find it.
    /// </summary>
    internal static class DesktopResolver
    {
        private static string directory = "";

        public static void Register(string dir)
        {
            directory = dir;
            AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
            foreach (var candidate in DependencyResolver.NativeCandidates(dir, "temporalio_sdk_core_c_bridge"))
            {
                if (!File.Exists(candidate)) continue;
                LoadLibrary(candidate);
                break;
            }
        }

        public static void Unregister() => AppDomain.CurrentDomain.AssemblyResolve -= OnAssemblyResolve;

        private static Assembly? OnAssemblyResolve(object sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            var path = Path.Combine(directory, name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibrary(string path);
    }
}
