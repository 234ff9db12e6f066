using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Client;
using Temporalio.Common;
using Temporalio.Exceptions;

namespace Kubiya.Tests.Visibility;

/// <summary>Search attribute keys, starts and listings shared by the visibility tests.</summary>
public static class VisibilityKit
{
    public static readonly SearchAttributeKey<string> Team = SearchAttributeKey.CreateKeyword("KubiyaTeam");
    public static readonly SearchAttributeKey<string> Notes = SearchAttributeKey.CreateText("KubiyaNotes");
    public static readonly SearchAttributeKey<long> PriorityKey = SearchAttributeKey.CreateLong("KubiyaPriority");
    public static readonly SearchAttributeKey<double> Cost = SearchAttributeKey.CreateDouble("KubiyaCost");
    public static readonly SearchAttributeKey<bool> Urgent = SearchAttributeKey.CreateBool("KubiyaUrgent");
    public static readonly SearchAttributeKey<DateTimeOffset> Due = SearchAttributeKey.CreateDateTimeOffset("KubiyaDue");
    public static readonly SearchAttributeKey<IReadOnlyCollection<string>> Tags = SearchAttributeKey.CreateKeywordList("KubiyaTags");

    /// <summary>Registers the custom attributes the tests use (a no-op when they exist with the same types).</summary>
    public static async Task RegisterAsync(ServerFixture fx)
    {
        var req = new AddSearchAttributesRequest { Namespace = fx.Namespace };
        foreach (var key in new SearchAttributeKey[] { Team, Notes, PriorityKey, Cost, Urgent, Due, Tags })
            req.SearchAttributes[key.Name] = key.ValueType;
        await fx.Client.Connection.OperatorService.AddSearchAttributesAsync(req);
    }

    /// <summary>Starts a workflow that no worker runs: it stays Running with the given attributes and memo.</summary>
    public static Task<WorkflowHandle> StartIdleAsync(ServerFixture fx, string id, string queue, string type = "VisIdle",
        SearchAttributeCollection? attributes = null, IReadOnlyDictionary<string, object>? memo = null) =>
        fx.Client.StartWorkflowAsync(type, Array.Empty<object?>(), new WorkflowOptions(id, queue)
        {
            TypedSearchAttributes = attributes,
            Memo = memo,
        });

    public static async Task<List<WorkflowExecution>> ListAsync(ServerFixture fx, string query)
    {
        var list = new List<WorkflowExecution>();
        await foreach (var wf in fx.Client.ListWorkflowsAsync(query)) list.Add(wf);
        return list;
    }

    /// <summary>Workflow ids matching <paramref name="filter"/> among the runs of <paramref name="queue"/>, sorted.</summary>
    public static async Task<List<string>> IdsAsync(ServerFixture fx, string queue, string filter) =>
        (await ListAsync(fx, $"TaskQueue = '{queue}' AND ({filter})")).Select(w => w.Id).OrderBy(x => x, StringComparer.Ordinal).ToList();

    /// <summary>Asserts that the server rejects <paramref name="query"/> as invalid, and returns its message.</summary>
    public static async Task<string> AssertRejectedAsync(ServerFixture fx, string query)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => ListAsync(fx, query));
        Assert.Equal(RpcException.StatusCode.InvalidArgument, ex.Code);
        return ex.Message;
    }

    public static SearchAttributeCollection Attrs(Action<SearchAttributeCollection.Builder> build)
    {
        var b = new SearchAttributeCollection.Builder();
        build(b);
        return b.ToSearchAttributeCollection();
    }

    /// <summary>The RFC3339 text of a time at millisecond precision, as queries take it.</summary>
    public static string Rfc3339(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
