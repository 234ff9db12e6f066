using Kubiya.Tests.Infrastructure;
using Temporalio.Api.Enums.V1;
using Temporalio.Exceptions;

namespace Kubiya.Tests.Durability;

/// <summary>
/// Transitions the engine refuses (a signal to a run that does not exist: NotFound) share group
/// commits with acknowledged ones when they arrive together. After a kill -9 and a restart every
/// acknowledged start and signal is in the database: each run exists, its history has no gap and
/// holds its signal. (A refused transition once rolled the whole batch's transaction back while
/// the others were acknowledged: their runs or events were missing after the restart.)
/// </summary>
[Trait("Category", "Durability")]
public sealed class RefusedNeighbourTests
{
    private const int Runs = 150;

    [Fact]
    public async Task StartsAndSignalsCommittedBesideRefusedSignalsSurviveAKillNine()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var port = server.Port;
        var client = await server.ConnectAsync();
        var queue = ServerFixture.Unique("refusedq");
        var prefix = ServerFixture.Unique("refused");

        // No worker polls the queue: the runs stay open with their first workflow task scheduled.
        // Each start races with a signal to a run that does not exist.
        await Task.WhenAll(Enumerable.Range(0, Runs).SelectMany(i => new[]
        {
            Task.Run(() => client.StartWorkflowAsync("NeverPolled", Array.Empty<object?>(), new($"{prefix}-{i}", queue))),
            Task.Run(() => SignalMissingAsync(client, $"{prefix}-missing-a{i}")),
        }));
        // Then a signal to each run, racing with more refused ones.
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await Task.WhenAll(Enumerable.Range(0, Runs).SelectMany(i => new[]
        {
            Task.Run(async () =>
            {
                try { await client.GetWorkflowHandle($"{prefix}-{i}").SignalAsync("poke", new object?[] { i }); }
                catch (RpcException ex) when (ex.Code == RpcException.StatusCode.NotFound)
                {
                    problems.Enqueue($"{prefix}-{i}: not found right after its start was acknowledged");
                }
            }),
            Task.Run(() => SignalMissingAsync(client, $"{prefix}-missing-b{i}")),
        }));

        server.Kill();
        await server.StartAsync(port);

        for (var i = 0; i < Runs; i++)
        {
            var id = $"{prefix}-{i}";
            try
            {
                var events = (await client.GetWorkflowHandle(id).FetchHistoryAsync()).Events.ToList();
                var ids = events.Select(e => e.EventId).ToList();
                if (!ids.SequenceEqual(Enumerable.Range(1, ids.Count).Select(n => (long)n)))
                    problems.Enqueue($"{id}: history events {string.Join(",", ids)}");
                else if (events.Count(e => e.EventType == EventType.WorkflowExecutionSignaled) != 1)
                    problems.Enqueue($"{id}: {events.Count(e => e.EventType == EventType.WorkflowExecutionSignaled)} signals in its history");
            }
            catch (RpcException ex) when (ex.Code == RpcException.StatusCode.NotFound)
            {
                problems.Enqueue($"{id}: not found after the restart");
            }
        }
        Assert.True(problems.IsEmpty, $"acknowledged writes lost ({problems.Count} findings over {Runs} runs):\n" + string.Join("\n", problems.Take(20)));
    }

    private static async Task SignalMissingAsync(Temporalio.Client.TemporalClient client, string id)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.GetWorkflowHandle(id).SignalAsync("poke", Array.Empty<object?>()));
        Assert.Equal(RpcException.StatusCode.NotFound, refused.Code);
    }
}
