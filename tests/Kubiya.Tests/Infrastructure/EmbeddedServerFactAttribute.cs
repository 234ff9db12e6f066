namespace Kubiya.Tests.Infrastructure;

/// <summary>
/// A fact about Kubiya.Server itself rather than about Temporal semantics (for example which RPCs
/// it leaves unimplemented). Reported as skipped, not passed, when the tests run against a real
/// Temporal frontend through KUBIYA_TEST_TEMPORAL_ADDRESS.
/// </summary>
public sealed class EmbeddedServerFactAttribute : FactAttribute
{
    public EmbeddedServerFactAttribute()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBIYA_TEST_TEMPORAL_ADDRESS")))
            Skip = "Checks Kubiya.Server specifics; not applicable to an external Temporal server.";
    }
}
