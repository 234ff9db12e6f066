using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Common;
using Temporalio.Exceptions;
using static Kubiya.Tests.Visibility.VisibilityKit;

namespace Kubiya.Tests.Visibility;

/// <summary>Custom search attributes of every Temporal type: given at start, queried, returned typed.</summary>
[Collection(VisibilityCollection.Name)]
[Trait("Category", "Visibility")]
public sealed class SearchAttributeTypeTests(ServerFixture fx) : IAsyncLifetime
{
    private readonly string q = ServerFixture.Unique("vis-sa");

    public Task InitializeAsync() => RegisterAsync(fx);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task KeywordMatchesWholeValuesExactly()
    {
        await StartIdleAsync(fx, q + "-1", q, attributes: Attrs(b => b.Set(Team, "platform")));
        await StartIdleAsync(fx, q + "-2", q, attributes: Attrs(b => b.Set(Team, "platform-ops")));
        await StartIdleAsync(fx, q + "-3", q, attributes: Attrs(b => b.Set(Team, "data")));

        Assert.Equal(new[] { q + "-1" }, await IdsAsync(fx, q, "KubiyaTeam = 'platform'"));
        Assert.Equal(new[] { q + "-1", q + "-3" }, await IdsAsync(fx, q, "KubiyaTeam IN ('platform', 'data')"));
        Assert.Equal(new[] { q + "-2", q + "-3" }, await IdsAsync(fx, q, "KubiyaTeam != 'platform'"));
        Assert.Equal(new[] { q + "-1", q + "-2" }, await IdsAsync(fx, q, "KubiyaTeam STARTS_WITH 'plat'"));
    }

    [Fact]
    public async Task TextMatchesWordsInAnyOrderAndCase()
    {
        await StartIdleAsync(fx, q + "-1", q, attributes: Attrs(b => b.Set(Notes, "The disk is FULL on host web-01")));
        await StartIdleAsync(fx, q + "-2", q, attributes: Attrs(b => b.Set(Notes, "Memory pressure on web-02")));

        Assert.Equal(new[] { q + "-1" }, await IdsAsync(fx, q, "KubiyaNotes = 'full disk'"));
        Assert.Equal(new[] { q + "-1", q + "-2" }, await IdsAsync(fx, q, "KubiyaNotes = 'on'"));
        Assert.Equal(new[] { q + "-2" }, await IdsAsync(fx, q, "KubiyaNotes != 'disk'"));
        Assert.Empty(await IdsAsync(fx, q, "KubiyaNotes = 'disk memory'"));
    }

    [Fact]
    public async Task IntSupportsComparisonsAndRanges()
    {
        foreach (var p in new long[] { 1, 5, 10 })
            await StartIdleAsync(fx, $"{q}-{p}", q, attributes: Attrs(b => b.Set(PriorityKey, p)));

        Assert.Equal(new[] { q + "-5" }, await IdsAsync(fx, q, "KubiyaPriority = 5"));
        Assert.Equal(new[] { q + "-10", q + "-5" }, await IdsAsync(fx, q, "KubiyaPriority > 1"));
        Assert.Equal(new[] { q + "-1", q + "-5" }, await IdsAsync(fx, q, "KubiyaPriority <= 5"));
        Assert.Equal(new[] { q + "-10", q + "-5" }, await IdsAsync(fx, q, "KubiyaPriority BETWEEN 2 AND 10"));
        Assert.Equal(new[] { q + "-1", q + "-10" }, await IdsAsync(fx, q, "KubiyaPriority NOT IN (5, 7)"));
    }

    [Fact]
    public async Task DoubleComparesNumerically()
    {
        await StartIdleAsync(fx, q + "-cheap", q, attributes: Attrs(b => b.Set(Cost, 0.5)));
        await StartIdleAsync(fx, q + "-mid", q, attributes: Attrs(b => b.Set(Cost, 1.25)));
        await StartIdleAsync(fx, q + "-dear", q, attributes: Attrs(b => b.Set(Cost, 3.0)));

        Assert.Equal(new[] { q + "-dear", q + "-mid" }, await IdsAsync(fx, q, "KubiyaCost >= 1.25"));
        Assert.Equal(new[] { q + "-cheap" }, await IdsAsync(fx, q, "KubiyaCost < 1"));
        Assert.Equal(new[] { q + "-dear" }, await IdsAsync(fx, q, "KubiyaCost = 3"));
    }

    [Fact]
    public async Task BoolMatchesTrueAndFalse()
    {
        await StartIdleAsync(fx, q + "-yes", q, attributes: Attrs(b => b.Set(Urgent, true)));
        await StartIdleAsync(fx, q + "-no", q, attributes: Attrs(b => b.Set(Urgent, false)));
        await StartIdleAsync(fx, q + "-unset", q);

        Assert.Equal(new[] { q + "-yes" }, await IdsAsync(fx, q, "KubiyaUrgent = true"));
        Assert.Equal(new[] { q + "-no" }, await IdsAsync(fx, q, "KubiyaUrgent = false"));
        Assert.Equal(new[] { q + "-no" }, await IdsAsync(fx, q, "KubiyaUrgent != TRUE"));
    }

    [Fact]
    public async Task DatetimeSupportsRangesAndOrdering()
    {
        var baseTime = new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero);
        foreach (var d in new[] { 0, 2, 1 })
            await StartIdleAsync(fx, $"{q}-{d}", q, attributes: Attrs(b => b.Set(Due, baseTime.AddDays(d))));

        Assert.Equal(new[] { q + "-1", q + "-2" }, await IdsAsync(fx, q, "KubiyaDue > '2031-03-01T12:00:00Z'"));
        Assert.Equal(new[] { q + "-0", q + "-1" }, await IdsAsync(fx, q, "KubiyaDue BETWEEN '2031-03-01T00:00:00Z' AND '2031-03-02T12:00:00+00:00'"));
        var ordered = await ListAsync(fx, $"TaskQueue = '{q}' ORDER BY KubiyaDue ASC");
        Assert.Equal(new[] { q + "-0", q + "-1", q + "-2" }, ordered.Select(w => w.Id));
    }

    [Fact]
    public async Task KeywordListMatchesAnyElement()
    {
        await StartIdleAsync(fx, q + "-ab", q, attributes: Attrs(b => b.Set(Tags, new[] { "a", "b" })));
        await StartIdleAsync(fx, q + "-bc", q, attributes: Attrs(b => b.Set(Tags, new[] { "b", "c" })));
        await StartIdleAsync(fx, q + "-d", q, attributes: Attrs(b => b.Set(Tags, new[] { "d" })));

        Assert.Equal(new[] { q + "-ab", q + "-bc" }, await IdsAsync(fx, q, "KubiyaTags = 'b'"));
        Assert.Equal(new[] { q + "-ab", q + "-d" }, await IdsAsync(fx, q, "KubiyaTags IN ('a', 'd')"));
        Assert.Equal(new[] { q + "-d" }, await IdsAsync(fx, q, "KubiyaTags != 'b'"));
        Assert.Equal(new[] { q + "-ab" }, await IdsAsync(fx, q, "KubiyaTags = 'a' AND KubiyaTags = 'b'"));
    }

    [Fact]
    public async Task TypedValuesComeBackFromListAndDescribe()
    {
        var due = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var handle = await StartIdleAsync(fx, q + "-all", q, attributes: Attrs(b => b
            .Set(Team, "sre").Set(Notes, "nightly restore check").Set(PriorityKey, 7).Set(Cost, 2.5)
            .Set(Urgent, true).Set(Due, due).Set(Tags, new[] { "db", "backup" })));

        var listed = (await ListAsync(fx, $"WorkflowId = '{q}-all'")).Single().TypedSearchAttributes;
        var described = (await handle.DescribeAsync()).TypedSearchAttributes;
        foreach (var sa in new[] { listed, described })
        {
            Assert.Equal("sre", sa.Get(Team));
            Assert.Equal("nightly restore check", sa.Get(Notes));
            Assert.Equal(7, sa.Get(PriorityKey));
            Assert.Equal(2.5, sa.Get(Cost));
            Assert.True(sa.Get(Urgent));
            Assert.Equal(due, sa.Get(Due));
            Assert.Equal(new[] { "db", "backup" }, sa.Get(Tags));
        }
    }

    [Fact]
    public async Task UnregisteredAttributeIsRejectedAtStart()
    {
        var unknown = SearchAttributeKey.CreateKeyword("KubiyaNeverRegistered");
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            StartIdleAsync(fx, q + "-bad", q, attributes: Attrs(b => b.Set(unknown, "x"))));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains("KubiyaNeverRegistered", ex.Message);
        Assert.Empty(await IdsAsync(fx, q, "WorkflowId IS NOT NULL"));
    }

    [Fact]
    public async Task ValueOfTheWrongTypeIsRejectedAtStart()
    {
        var priorityAsText = SearchAttributeKey.CreateKeyword(PriorityKey.Name);
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            StartIdleAsync(fx, q + "-bad", q, attributes: Attrs(b => b.Set(priorityAsText, "high"))));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        Assert.Contains("KubiyaPriority", ex.Message);
        Assert.Contains("Int", ex.Message);
    }

    [Fact]
    public async Task OperatorServiceAddsListsAndRemovesAttributes()
    {
        var name = "KubiyaTemp" + Guid.NewGuid().ToString("N")[..8];
        var ops = fx.Client.Connection.OperatorService;
        await ops.AddSearchAttributesAsync(new AddSearchAttributesRequest
        {
            Namespace = fx.Namespace,
            SearchAttributes = { [name] = IndexedValueType.Int },
        });
        var listed = await ops.ListSearchAttributesAsync(new ListSearchAttributesRequest { Namespace = fx.Namespace });
        Assert.Equal(IndexedValueType.Int, listed.CustomAttributes[name]);
        Assert.Equal(IndexedValueType.Datetime, listed.SystemAttributes["StartTime"]);

        // Usable at once, at start and in queries.
        await StartIdleAsync(fx, q + "-t", q, attributes: Attrs(b => b.Set(SearchAttributeKey.CreateLong(name), 42)));
        Assert.Equal(new[] { q + "-t" }, await IdsAsync(fx, q, $"{name} = 42"));

        await ops.RemoveSearchAttributesAsync(new RemoveSearchAttributesRequest { Namespace = fx.Namespace, SearchAttributes = { name } });
        listed = await ops.ListSearchAttributesAsync(new ListSearchAttributesRequest { Namespace = fx.Namespace });
        Assert.False(listed.CustomAttributes.ContainsKey(name));
        var message = await AssertRejectedAsync(fx, $"{name} = 42");
        Assert.Contains($"unknown search attribute '{name}'", message);
    }
}
