using Kubiya.Core.Executions;

namespace Kubiya.Core.Tests.Executions;

/// <summary>The short ids narrow text tables show, and which ids commands resolve from a start.</summary>
public sealed class ExecutionIdsTests
{
    [Fact]
    public void OnlyWholeDirectIdsAreShortenedAndOnlyTheirStartsAreResolved()
    {
        Assert.Equal("exec-df1ec350", ExecutionIds.Short("exec-df1ec350f89c407f"));
        // Member runs and schedule runs keep their ids: their tail is what tells them apart.
        Assert.Equal("exec-df1ec350f89c407f-1.1-fixer", ExecutionIds.Short("exec-df1ec350f89c407f-1.1-fixer"));
        Assert.Equal("nightly-2026-12-02T02:00:00Z", ExecutionIds.Short("nightly-2026-12-02T02:00:00Z"));

        Assert.True(ExecutionIds.IsShort("exec-df1ec350"));
        Assert.True(ExecutionIds.IsShort("exec-df1e"));
        Assert.False(ExecutionIds.IsShort("exec-df1"));                  // too short to mean one
        Assert.False(ExecutionIds.IsShort("exec-df1ec350f89c407f"));     // already whole
        Assert.False(ExecutionIds.IsShort("exec-DF1EC350"));
        Assert.False(ExecutionIds.IsShort("exec-df1e' OR 'a"));         // never reaches a query
        Assert.True(ExecutionIds.IsWhole("exec-df1ec350f89c407f"));
    }
}
