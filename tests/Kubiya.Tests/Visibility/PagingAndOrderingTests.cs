using Kubiya.Tests.Infrastructure;
using Temporalio.Client;
using static Kubiya.Tests.Visibility.VisibilityKit;

namespace Kubiya.Tests.Visibility;

/// <summary>Page sizes, page tokens and ORDER BY.</summary>
[Collection(VisibilityCollection.Name)]
[Trait("Category", "Visibility")]
public sealed class PagingAndOrderingTests(ServerFixture fx)
{
    private readonly string q = ServerFixture.Unique("vis-page");

    [Fact]
    public async Task PagingOverAThousandExecutionsHasNoDuplicatesOrGaps()
    {
        var started = new HashSet<string>();
        for (var batch = 0; batch < 1000; batch += 50)
        {
            var ids = Enumerable.Range(batch, 50).Select(i => $"{q}-{i:D4}").ToList();
            await Task.WhenAll(ids.Select(id => StartIdleAsync(fx, id, q)));
            started.UnionWith(ids);
        }
        var query = $"TaskQueue = '{q}'";

        // Small pages that do not divide the total, and that must line up exactly.
        var seen = new List<WorkflowExecution>();
        byte[]? token = null;
        var pages = 0;
        do
        {
            var page = await fx.Client.ListWorkflowsPaginatedAsync(query, token, new WorkflowListPaginatedOptions { PageSize = 97 });
            Assert.True(page.Workflows.Count <= 97);
            seen.AddRange(page.Workflows);
            token = page.NextPageToken;
            pages++;
            // Runs started while paging begin after the first page in StartTime DESC order: never seen, never shifting.
            if (pages == 3) await StartIdleAsync(fx, q + "-late", q);
        }
        while (token != null);

        Assert.Equal(11, pages);
        Assert.Equal(1000, seen.Count);
        Assert.Equal(1000, seen.Select(w => w.RunId).Distinct().Count());
        Assert.True(started.SetEquals(seen.Select(w => w.Id)));
        Assert.Equal(seen.OrderByDescending(w => w.StartTime).ThenByDescending(w => w.RunId, StringComparer.Ordinal).Select(w => w.RunId),
            seen.Select(w => w.RunId));

        // The SDK's own paging (server default page size) agrees, and so does the count.
        var all = await ListAsync(fx, query);
        Assert.Equal(1001, all.Select(w => w.RunId).Distinct().Count());
        Assert.Equal(1001, (await fx.Client.CountWorkflowsAsync(query)).Count);

        // A page larger than Temporal's default maximum is honoured (up to 10,000): one round trip.
        var big = await fx.Client.ListWorkflowsPaginatedAsync(query, null, new WorkflowListPaginatedOptions { PageSize = 5000 });
        Assert.Equal(1001, big.Workflows.Count);
        Assert.Null(big.NextPageToken);
    }

    [Fact]
    public async Task APageEndsEarlyAtThreeMegabytesAndPagingStillSeesEveryRun()
    {
        // 12 runs with 400 KB memos: 4.8 MB, more than one response may carry.
        var memo = new Dictionary<string, object> { ["blob"] = new string('x', 400 * 1024) };
        var ids = Enumerable.Range(0, 12).Select(i => $"{q}-big-{i:D2}").ToList();
        foreach (var id in ids) await StartIdleAsync(fx, id, q, memo: memo);
        var query = $"TaskQueue = '{q}'";
        var first = await fx.Client.ListWorkflowsPaginatedAsync(query, null, new WorkflowListPaginatedOptions { PageSize = 10_000 });
        Assert.InRange(first.Workflows.Count, 1, 8);
        Assert.NotNull(first.NextPageToken);
        var seen = first.Workflows.Select(w => w.Id).ToList();
        var token = first.NextPageToken;
        while (token != null)
        {
            var page = await fx.Client.ListWorkflowsPaginatedAsync(query, token, new WorkflowListPaginatedOptions { PageSize = 10_000 });
            seen.AddRange(page.Workflows.Select(w => w.Id));
            token = page.NextPageToken;
        }
        Assert.Equal(ids.OrderBy(i => i), seen.OrderBy(i => i));
    }

    [Fact]
    public async Task DefaultOrderIsNewestFirstAndOrderByStartTimeAscReverses()
    {
        for (var i = 0; i < 4; i++)
        {
            await StartIdleAsync(fx, $"{q}-{i}", q);
            await Task.Delay(15);
        }
        var newestFirst = (await ListAsync(fx, $"TaskQueue = '{q}'")).Select(w => w.Id).ToList();
        Assert.Equal(new[] { q + "-3", q + "-2", q + "-1", q + "-0" }, newestFirst);

        var oldestFirst = (await ListAsync(fx, $"TaskQueue = '{q}' ORDER BY StartTime ASC")).Select(w => w.Id).ToList();
        Assert.Equal(new[] { q + "-0", q + "-1", q + "-2", q + "-3" }, oldestFirst);

        var paged = new List<string>();
        byte[]? token = null;
        do
        {
            var page = await fx.Client.ListWorkflowsPaginatedAsync($"TaskQueue = '{q}' ORDER BY StartTime ASC", token, new() { PageSize = 3 });
            paged.AddRange(page.Workflows.Select(w => w.Id));
            token = page.NextPageToken;
        }
        while (token != null);
        Assert.Equal(oldestFirst, paged);
    }

    [Fact]
    public async Task OrderByCloseTimePutsOpenRunsLastWhenDescending()
    {
        var handles = new List<WorkflowHandle>();
        for (var i = 0; i < 4; i++) handles.Add(await StartIdleAsync(fx, $"{q}-{i}", q));
        // Close 2 first, then 0; 1 and 3 stay open.
        await handles[2].TerminateAsync("first");
        await Task.Delay(15);
        await handles[0].TerminateAsync("second");

        var desc = (await ListAsync(fx, $"TaskQueue = '{q}' ORDER BY CloseTime DESC")).Select(w => w.Id).ToList();
        Assert.Equal(new[] { q + "-0", q + "-2" }, desc.Take(2));
        Assert.Equal(new[] { q + "-1", q + "-3" }, desc.Skip(2).OrderBy(x => x));

        var pagedDesc = new List<string>();
        byte[]? token = null;
        do
        {
            var page = await fx.Client.ListWorkflowsPaginatedAsync($"TaskQueue = '{q}' ORDER BY CloseTime DESC", token, new() { PageSize = 1 });
            pagedDesc.AddRange(page.Workflows.Select(w => w.Id));
            token = page.NextPageToken;
        }
        while (token != null);
        Assert.Equal(desc, pagedDesc);

        var asc = (await ListAsync(fx, $"TaskQueue = '{q}' ORDER BY CloseTime ASC")).Select(w => w.Id).ToList();
        Assert.Equal(new[] { q + "-2", q + "-0" }, asc.Skip(2));
    }

    [Fact]
    public async Task CountAnswersTotalsAndGroupsByStatus()
    {
        var handles = new List<WorkflowHandle>();
        for (var i = 0; i < 5; i++) handles.Add(await StartIdleAsync(fx, $"{q}-{i}", q));
        await handles[0].TerminateAsync("x");
        await handles[1].TerminateAsync("y");

        Assert.Equal(5, (await fx.Client.CountWorkflowsAsync($"TaskQueue = '{q}'")).Count);
        Assert.Equal(3, (await fx.Client.CountWorkflowsAsync($"TaskQueue = '{q}' AND ExecutionStatus = 'Running'")).Count);

        var grouped = await fx.Client.CountWorkflowsAsync($"TaskQueue = '{q}' GROUP BY ExecutionStatus");
        Assert.Equal(5, grouped.Count);
        var groups = grouped.Groups.ToDictionary(g => (string)g.GroupValues.Single(), g => g.Count);
        Assert.Equal(new Dictionary<string, long> { ["Running"] = 3, ["Terminated"] = 2 }, groups);
    }
}
