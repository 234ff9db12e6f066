using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Kubiya.PowerShell.Loading
{
    /// <summary>
    /// PowerShell 7: when the default context cannot find Kubiya.Core (it is not beside
    /// Kubiya.dll), load it into <see cref="DependencyLoadContext"/>; everything it references then
    /// resolves inside that context first.
    /// </summary>
    internal static class CoreClrResolver
    {
        private static DependencyLoadContext? context;

        public static void Register(string directory)
        {
            context ??= new DependencyLoadContext(directory);
            AssemblyLoadContext.Default.Resolving += OnResolving;
        }

        public static void Unregister() => AssemblyLoadContext.Default.Resolving -= OnResolving;

        private static Assembly? OnResolving(AssemblyLoadContext defaultContext, AssemblyName name)
        {
            if (context == null || !string.Equals(name.Name, "Kubiya.Core", StringComparison.Ordinal)) return null;
            return context.LoadFromAssemblyName(name);
        }
    }

    /// <summary>The isolated context holding Kubiya.Core and its third-party dependencies.</summary>
    internal sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private readonly string directory;
        private readonly string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "";

        public DependencyLoadContext(string directory) => this.directory = directory;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var file = assemblyName.Name + ".dll";
            // Builds made for .NET (Core) win over the netstandard2.0 ones: Microsoft.Bcl.AsyncInterfaces
            // must forward to the runtime's IAsyncEnumerable that the shared framework assemblies use.
            var coreClrBuild = Path.Combine(directory, "coreclr", file);
            if (File.Exists(coreClrBuild)) return LoadFromAssemblyPath(coreClrBuild);
            var path = Path.Combine(directory, file);
            if (!File.Exists(path)) return null;
            // Framework assemblies (System.Text.Json, System.Memory...) are newer in the runtime
            // than the netstandard copies we carry: share the runtime's.
            if (File.Exists(Path.Combine(frameworkDirectory, file))) return null;
            return LoadFromAssemblyPath(path);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            foreach (var candidate in DependencyResolver.NativeCandidates(directory, unmanagedDllName))
                if (File.Exists(candidate)) return LoadUnmanagedDllFromPath(candidate);
            return IntPtr.Zero;
        }
    }
}
