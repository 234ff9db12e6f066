using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Exceptions;

namespace Kubiya.Tests.Conformance.StandaloneActivities;

/// <summary>ListActivityExecutions and CountActivityExecutions with the visibility query language.</summary>
[Collection(ConformanceCollection.Name)]
[Trait("Category", "Conformance")]
public sealed class StandaloneActivityVisibilityTests(ServerFixture fx) : StandaloneTest(fx)
{
    private async Task<List<ActivityExecution>> ListAsync(string query)
    {
        var list = new List<ActivityExecution>();
        await foreach (var a in Client.ListActivitiesAsync(query)) list.Add(a);
        return list;
    }

    [Fact]
    public async Task ListAndCountFilterByTypeStatusIdAndQueue()
    {
        var queue = Queue();
        var type = "Greet";
        var ids = Enumerable.Range(0, 3).Select(i => Id($"sa-list-{i}")).ToList();
        var handles = new List<ActivityHandle>();
        foreach (var id in ids) handles.Add(await Client.StartActivityAsync(type, new object?[] { id }, Options(id, queue)));
        await handles[2].TerminateAsync(new ActivityTerminateOptions { Reason = "one less" });

        var all = await ListAsync($"ActivityTaskQueue = '{queue}'");
        Assert.Equal(ids.OrderBy(i => i), all.Select(a => a.ActivityId).OrderBy(i => i));
        Assert.All(all, a => Assert.Equal(type, a.ActivityType));
        Assert.All(all, a => Assert.Equal(queue, a.TaskQueue));

        var running = await ListAsync($"ActivityTaskQueue = '{queue}' AND ActivityStatus = 'Running'");
        Assert.Equal(ids.Take(2).OrderBy(i => i), running.Select(a => a.ActivityId).OrderBy(i => i));
        Assert.All(running, a => Assert.Null(a.CloseTime));

        var one = Assert.Single(await ListAsync($"ActivityId = '{ids[2]}'"));
        Assert.Equal(ActivityExecutionStatus.Terminated, one.Status);
        Assert.Equal(handles[2].RunId, one.ActivityRunId);
        Assert.NotNull(one.CloseTime);

        Assert.Equal(3, (await Client.CountActivitiesAsync($"TaskQueue = '{queue}' AND ActivityType = '{type}'")).Count);
        var grouped = await Client.CountActivitiesAsync($"ActivityTaskQueue = '{queue}' GROUP BY ExecutionStatus");
        Assert.Equal(3, grouped.Count);
        var groups = grouped.Groups.ToDictionary(g => (string)g.GroupValues.Single()!, g => g.Count);
        Assert.Equal(2, groups["Running"]);
        Assert.Equal(1, groups["Terminated"]);
    }

    [Fact]
    public async Task CustomSearchAttributesAreStoredAndQueried()
    {
        var queue = Queue();
        var key = SearchAttributeKey.CreateKeyword("CustomKeywordField");
        var marker = Id("marker");
        var options = Options(Id("sa-attrs"), queue);
        options.TypedSearchAttributes = new SearchAttributeCollection.Builder().Set(key, marker).ToSearchAttributeCollection();
        var handle = await Client.StartActivityAsync("Greet", new object?[] { "tagged" }, options);
        await Client.StartActivityAsync("Greet", new object?[] { "untagged" }, Options(Id("sa-no-attrs"), queue));

        var found = Assert.Single(await ListAsync($"CustomKeywordField = '{marker}'"));
        Assert.Equal(handle.Id, found.ActivityId);
        Assert.Equal(marker, found.TypedSearchAttributes.Get(key));
        Assert.Equal(1, (await Client.CountActivitiesAsync($"CustomKeywordField = '{marker}' AND ActivityTaskQueue = '{queue}'")).Count);
    }

    [Fact]
    public async Task ListPagesThroughEveryExecutionOnce()
    {
        var queue = Queue();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = Id($"sa-page-{i}");
            ids.Add(id);
            await Client.StartActivityAsync("Greet", new object?[] { id }, Options(id, queue));
        }
        var seen = new List<string>();
        var token = Google.Protobuf.ByteString.Empty;
        var pages = 0;
        do
        {
            var page = await Client.Connection.WorkflowService.ListActivityExecutionsAsync(new ListActivityExecutionsRequest
            {
                Namespace = Fx.Namespace, Query = $"ActivityTaskQueue = '{queue}'", PageSize = 2, NextPageToken = token,
            });
            seen.AddRange(page.Executions.Select(e => e.ActivityId));
            token = page.NextPageToken;
            pages++;
        } while (!token.IsEmpty && pages < 10);
        Assert.Equal(3, pages);
        Assert.Equal(ids.OrderBy(i => i), seen.OrderBy(i => i));
    }

    [Fact]
    public async Task BadQueriesAreRejectedWithInvalidArgument()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client.CountActivitiesAsync("NoSuchAttribute = 'x'"));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, unknown.Code);
        var syntax = await Assert.ThrowsAsync<RpcException>(() => ListAsync("ActivityType = "));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, syntax.Code);
        var status = await Assert.ThrowsAsync<RpcException>(() => ListAsync("ActivityStatus = 'ContinuedAsNew'"));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, status.Code);
    }

    [EmbeddedServerFact]
    public async Task NamespaceReportsStandaloneActivities()
    {
        var ns = await Client.Connection.WorkflowService.DescribeNamespaceAsync(new DescribeNamespaceRequest { Namespace = Fx.Namespace });
        Assert.True(ns.NamespaceInfo.Capabilities.StandaloneActivities);
    }
}
