using System.Runtime.CompilerServices;

namespace Kubiya.Tests.Infrastructure;

/// <summary>Settings every test of this assembly runs with, set before the first test.</summary>
internal static class TestDefaults
{
    [ModuleInitializer]
    internal static void Apply()
    {
        // Workers started by tests (jobs, daemons, CLI processes, which inherit it) serve no web UI:
        // parallel tests would otherwise all start one from port 8088 up. The web UI tests pass ports.
        Environment.SetEnvironmentVariable("KUBIYA_NO_WEBUI", "1");
    }
}
