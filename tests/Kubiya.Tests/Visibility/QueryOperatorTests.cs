using Kubiya.Tests.Infrastructure;
using static Kubiya.Tests.Visibility.VisibilityKit;

namespace Kubiya.Tests.Visibility;

/// <summary>Each operator of the visibility query language, on system attributes, through ListWorkflowsAsync.</summary>
[Collection(VisibilityCollection.Name)]
[Trait("Category", "Visibility")]
public sealed class QueryOperatorTests(ServerFixture fx)
{
    private readonly string q = ServerFixture.Unique("vis-op");

    [Fact]
    public async Task EqualsAndNotEqualsMatchKeywordAttributes()
    {
        await StartIdleAsync(fx, q + "-a", q, "VisTypeA");
        await StartIdleAsync(fx, q + "-b", q, "VisTypeB");
        await StartIdleAsync(fx, q + "-c", q, "VisTypeB");

        Assert.Equal(new[] { q + "-b", q + "-c" }, await IdsAsync(fx, q, "WorkflowType = 'VisTypeB'"));
        Assert.Equal(new[] { q + "-a" }, await IdsAsync(fx, q, "WorkflowType != 'VisTypeB'"));
        Assert.Equal(new[] { q + "-c" }, await IdsAsync(fx, q, $"WorkflowId = \"{q}-c\""));
        Assert.Empty(await IdsAsync(fx, q, "WorkflowType = 'vistypeb'"));
    }

    [Fact]
    public async Task RangeOperatorsCompareStartTimes()
    {
        foreach (var s in new[] { "1", "2", "3" })
        {
            await StartIdleAsync(fx, $"{q}-{s}", q);
            await Task.Delay(25);
        }
        var middle = (await ListAsync(fx, $"WorkflowId = '{q}-2'")).Single().StartTime;
        var t = Rfc3339(middle);

        Assert.Equal(new[] { q + "-3" }, await IdsAsync(fx, q, $"StartTime > '{t}'"));
        Assert.Equal(new[] { q + "-2", q + "-3" }, await IdsAsync(fx, q, $"StartTime >= '{t}'"));
        Assert.Equal(new[] { q + "-1" }, await IdsAsync(fx, q, $"StartTime < '{t}'"));
        Assert.Equal(new[] { q + "-1", q + "-2" }, await IdsAsync(fx, q, $"StartTime <= '{t}'"));
        Assert.Equal(new[] { q + "-2" }, await IdsAsync(fx, q, $"StartTime = '{t}'"));
    }

    [Fact]
    public async Task BetweenSelectsAnInclusiveTimeRange()
    {
        foreach (var s in new[] { "1", "2", "3", "4" })
        {
            await StartIdleAsync(fx, $"{q}-{s}", q);
            await Task.Delay(25);
        }
        var all = await ListAsync(fx, $"TaskQueue = '{q}'");
        var from = Rfc3339(all.Single(w => w.Id == q + "-2").StartTime);
        var to = Rfc3339(all.Single(w => w.Id == q + "-3").StartTime);

        Assert.Equal(new[] { q + "-2", q + "-3" }, await IdsAsync(fx, q, $"StartTime BETWEEN '{from}' AND '{to}'"));
        Assert.Equal(new[] { q + "-1", q + "-4" }, await IdsAsync(fx, q, $"StartTime NOT BETWEEN '{from}' AND '{to}'"));
    }

    [Fact]
    public async Task InAndNotInMatchListsOfValues()
    {
        foreach (var s in new[] { "a", "b", "c" }) await StartIdleAsync(fx, $"{q}-{s}", q);

        Assert.Equal(new[] { q + "-a", q + "-c" }, await IdsAsync(fx, q, $"WorkflowId IN ('{q}-a', '{q}-c', 'nobody')"));
        Assert.Equal(new[] { q + "-b" }, await IdsAsync(fx, q, $"WorkflowId NOT IN ('{q}-a', '{q}-c')"));
    }

    [Fact]
    public async Task StartsWithMatchesPrefixes()
    {
        await StartIdleAsync(fx, q + "-deploy-1", q);
        await StartIdleAsync(fx, q + "-deploy-2", q);
        await StartIdleAsync(fx, q + "-backup-1", q);

        Assert.Equal(new[] { q + "-deploy-1", q + "-deploy-2" }, await IdsAsync(fx, q, $"WorkflowId STARTS_WITH '{q}-deploy'"));
        Assert.Equal(new[] { q + "-backup-1" }, await IdsAsync(fx, q, $"WorkflowId NOT STARTS_WITH '{q}-deploy'"));
        Assert.Equal(3, (await IdsAsync(fx, q, "TaskQueue STARTS_WITH 'vis-op'")).Count);
    }

    [Fact]
    public async Task IsNullAndIsNotNullTestPresence()
    {
        await VisibilityKit.RegisterAsync(fx);
        await StartIdleAsync(fx, q + "-open", q, attributes: Attrs(b => b.Set(Team, "ops")));
        await StartIdleAsync(fx, q + "-plain", q);
        var closed = await StartIdleAsync(fx, q + "-closed", q);
        await closed.TerminateAsync("done");

        Assert.Equal(new[] { q + "-open", q + "-plain" }, await IdsAsync(fx, q, "CloseTime IS NULL"));
        Assert.Equal(new[] { q + "-closed" }, await IdsAsync(fx, q, "CloseTime IS NOT NULL"));
        Assert.Equal(new[] { q + "-open" }, await IdsAsync(fx, q, "KubiyaTeam IS NOT NULL"));
        Assert.Equal(new[] { q + "-closed", q + "-plain" }, await IdsAsync(fx, q, "KubiyaTeam IS NULL"));
        Assert.Equal(3, (await IdsAsync(fx, q, "ParentWorkflowId IS NULL")).Count);
    }

    [Fact]
    public async Task AndBindsTighterThanOrAndParenthesesRegroup()
    {
        await StartIdleAsync(fx, q + "-a", q, "VisX");
        await StartIdleAsync(fx, q + "-b", q, "VisY");
        await StartIdleAsync(fx, q + "-c", q, "VisY");

        // a OR (b AND X): b is not X, so only a.
        Assert.Equal(new[] { q + "-a" },
            await IdsAsync(fx, q, $"WorkflowId = '{q}-a' OR WorkflowId = '{q}-b' AND WorkflowType = 'VisX'"));
        // (a OR b) AND Y: only b.
        Assert.Equal(new[] { q + "-b" },
            await IdsAsync(fx, q, $"(WorkflowId = '{q}-a' OR WorkflowId = '{q}-b') AND WorkflowType = 'VisY'"));
        Assert.Equal(new[] { q + "-a", q + "-c" },
            await IdsAsync(fx, q, $"((WorkflowType = 'VisX') OR (WorkflowId = '{q}-c'))"));
    }

    [Fact]
    public async Task HistoryLengthAndExecutionDurationCompareNumbers()
    {
        await StartIdleAsync(fx, q + "-open", q);
        var closed = await StartIdleAsync(fx, q + "-closed", q);
        await closed.TerminateAsync("done");

        // Open: started + workflow task scheduled. Closed: plus the terminated event.
        Assert.Equal(new[] { q + "-open" }, await IdsAsync(fx, q, "HistoryLength = 2"));
        Assert.Equal(new[] { q + "-closed" }, await IdsAsync(fx, q, "HistoryLength >= 3"));
        Assert.Equal(new[] { q + "-closed" }, await IdsAsync(fx, q, "ExecutionDuration < '1h'"));
        Assert.Empty(await IdsAsync(fx, q, "ExecutionDuration > '1h'"));
        Assert.Equal(new[] { q + "-closed" }, await IdsAsync(fx, q, "ExecutionDuration >= 0"));
    }

    [Fact]
    public async Task ResultsReflectAStateChangeImmediately()
    {
        var handle = await StartIdleAsync(fx, q + "-x", q);
        Assert.Equal(new[] { q + "-x" }, await IdsAsync(fx, q, "ExecutionStatus = 'Running'"));

        await handle.TerminateAsync("stop");
        Assert.Empty(await IdsAsync(fx, q, "ExecutionStatus = 'Running'"));
        Assert.Equal(new[] { q + "-x" }, await IdsAsync(fx, q, "ExecutionStatus = 'Terminated'"));
    }
}
