using System.Management.Automation;

namespace Kubiya.PowerShell.Loading
{
    /// <summary>
    /// Runs when the module is imported: installs the resolver that loads Kubiya.Core and the
    /// third-party assemblies from <c>Dependencies/</c>, and makes redirected output plain text
    /// (<see cref="Internal.RedirectedOutputRendering"/>). Touches no type from those assemblies.
    /// </summary>
    public sealed class KubiyaModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <inheritdoc />
        public void OnImport()
        {
            DependencyResolver.Register();
            Internal.RedirectedOutputRendering.Apply();
        }

        /// <inheritdoc />
        public void OnRemove(PSModuleInfo psModuleInfo) => DependencyResolver.Unregister();
    }
}
