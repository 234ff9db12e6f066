using Kubiya.Tests.Infrastructure;
using Temporalio.Exceptions;
using static Kubiya.Tests.Visibility.VisibilityKit;

namespace Kubiya.Tests.Visibility;

/// <summary>Malformed queries are rejected with InvalidArgument and a message that says what and where.</summary>
[Collection(VisibilityCollection.Name)]
[Trait("Category", "Visibility")]
public sealed class QueryErrorTests(ServerFixture fx)
{
    [Theory]
    [InlineData("WorkflowId = ", "expected a value after '='", 14)]
    [InlineData("WorkflowId == 'x'", "unknown operator '=='", 12)]
    [InlineData("NoSuchAttribute = 'x'", "unknown search attribute 'NoSuchAttribute'", 1)]
    [InlineData("workflowid = 'x'", "did you mean 'WorkflowId'", 1)]
    [InlineData("StartTime > 'yesterday'", "RFC3339", 13)]
    [InlineData("ExecutionStatus = 'Sleeping'", "not an execution status", 19)]
    [InlineData("(WorkflowId = 'a'", "expected ')'", 18)]
    [InlineData("WorkflowId = 'a')", "unbalanced ')'", 17)]
    [InlineData("WorkflowId LIKE 'a%'", "LIKE is not supported", 12)]
    [InlineData("HistoryLength > 'ten'", "expects an integer", 17)]
    [InlineData("WorkflowId = 'a' ORDER BY WorkflowId", "ORDER BY supports only time attributes", 27)]
    [InlineData("WorkflowId = 'unterminated", "unterminated string", 14)]
    [InlineData("WorkflowId = running", "put text values in quotes", 14)]
    [InlineData("ExecutionStatus > 'Running'", "operator > cannot be used with 'ExecutionStatus'", 19)]
    public async Task BadQueryIsRejectedWithTheProblemAndItsPosition(string query, string problem, int position)
    {
        var message = await AssertRejectedAsync(fx, query);
        Assert.Contains(problem, message);
        Assert.Contains($"position {position}", message);
    }

    [Fact]
    public async Task OversizedQueriesAreRejectedWithTheLimit()
    {
        var nested = new string('(', 100) + "WorkflowId = 'a'" + new string(')', 100);
        var message = await AssertRejectedAsync(fx, nested);
        Assert.Contains("nested deeper than 64 levels", message);
        Assert.Contains("position 65", message);

        var longIn = "WorkflowId IN (" + string.Join(", ", Enumerable.Range(0, 1001).Select(i => $"'w{i}'")) + ")";
        Assert.Contains("at most 1000 values", await AssertRejectedAsync(fx, longIn));
    }

    [Fact]
    public async Task GroupByIsOnlyForCountsAndOnlyByStatus()
    {
        var listMessage = await AssertRejectedAsync(fx, "GROUP BY ExecutionStatus");
        Assert.Contains("GROUP BY is only supported when counting", listMessage);

        var ex = await Assert.ThrowsAsync<RpcException>(() => fx.Client.CountWorkflowsAsync("GROUP BY WorkflowType"));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains("GROUP BY supports only ExecutionStatus", ex.Message);
    }

    [Fact]
    public async Task PageTokenOfAnotherQueryIsRejected()
    {
        var q = ServerFixture.Unique("vis-tok");
        for (var i = 0; i < 3; i++) await StartIdleAsync(fx, $"{q}-{i}", q);
        var page = await fx.Client.ListWorkflowsPaginatedAsync($"TaskQueue = '{q}'", null, new() { PageSize = 1 });
        Assert.NotNull(page.NextPageToken);

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            fx.Client.ListWorkflowsPaginatedAsync($"TaskQueue = '{q}' AND WorkflowType = 'VisIdle'", page.NextPageToken, new() { PageSize = 1 }));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains("NextPageToken", ex.Message);
    }
}
