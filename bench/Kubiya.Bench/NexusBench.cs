using Kubiya.Tests.Infrastructure;
using NexusRpc;
using NexusRpc.Handlers;
using Temporalio.Api.Nexus.V1;
using Temporalio.Api.OperatorService.V1;
using Temporalio.Nexus;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Kubiya.Bench;

/// <summary>
/// Nexus operation round trips next to a child workflow round trip, in the same run on the same
/// server and worker: a caller workflow times (in workflow time) a synchronous operation, an
/// operation backed by a workflow, and a child workflow doing the same work. Prints p50/p99 of
/// each. N round trips of each kind from KUBIYA_BENCH_NEXUS (default 200).
/// </summary>
public static class NexusBench
{
    [NexusService("bench-nexus")]
    public interface IBenchService
    {
        [NexusOperation]
        string Sync(string text);

        [NexusOperation]
        string ByWorkflow(string workflowId);
    }

    [NexusServiceHandler(typeof(IBenchService))]
    public sealed class BenchHandler
    {
        [NexusOperationHandler]
        public IOperationHandler<string, string> Sync() => OperationHandler.Sync<string, string>((_, text) => text);

        [NexusOperationHandler]
        public IOperationHandler<string, string> ByWorkflow() =>
            WorkflowRunOperationHandler.FromHandleFactory((WorkflowRunOperationContext ctx, string id) =>
                ctx.StartWorkflowAsync((EchoWorkflow wf) => wf.RunAsync(id), new() { Id = id }));
    }

    [Workflow("BenchNexusEcho")]
    public sealed class EchoWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(string text) => Task.FromResult(text);
    }

    /// <summary>Runs one round trip of the given kind and returns its duration in milliseconds (workflow time).</summary>
    [Workflow("BenchNexusCaller")]
    public sealed class CallerWorkflow
    {
        [WorkflowRun]
        public async Task<double> RunAsync(string endpoint, string kind, string id)
        {
            var client = Workflow.CreateNexusWorkflowClient<IBenchService>(endpoint);
            var t0 = Workflow.UtcNow;
            switch (kind)
            {
                case "sync": await client.ExecuteNexusOperationAsync(s => s.Sync(id)); break;
                case "workflow": await client.ExecuteNexusOperationAsync(s => s.ByWorkflow(id)); break;
                default: await Workflow.ExecuteChildWorkflowAsync((EchoWorkflow wf) => wf.RunAsync(id), new() { Id = id }); break;
            }
            return (Workflow.UtcNow - t0).TotalMilliseconds;
        }
    }

    public static async Task RunAsync()
    {
        var n = int.TryParse(Environment.GetEnvironmentVariable("KUBIYA_BENCH_NEXUS"), out var v) && v > 0 ? v : 200;
        await using var server = new ServerProcess();
        await server.StartAsync();
        var client = await server.ConnectAsync();
        var queue = "bench-nexus-" + Guid.NewGuid().ToString("N")[..8];
        var endpoint = "bench-" + Guid.NewGuid().ToString("N")[..8];
        await client.Connection.OperatorService.CreateNexusEndpointAsync(new CreateNexusEndpointRequest
        {
            Spec = new EndpointSpec { Name = endpoint, Target = new EndpointTarget { Worker = new() { Namespace = "default", TaskQueue = queue } } },
        });
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue)
            .AddWorkflow<CallerWorkflow>().AddWorkflow<EchoWorkflow>().AddNexusService(new BenchHandler()));
        await worker.ExecuteAsync(async () =>
        {
            // Warm-up: JIT and the worker's caches, not measured.
            foreach (var kind in new[] { "sync", "workflow", "child" })
                for (var i = 0; i < 10; i++) await RoundTripAsync(client, queue, endpoint, kind);
            var results = new Dictionary<string, List<double>> { ["sync"] = new(), ["workflow"] = new(), ["child"] = new() };
            // Interleaved, so machine load affects each kind alike.
            for (var i = 0; i < n; i++)
                foreach (var kind in results.Keys)
                    results[kind].Add(await RoundTripAsync(client, queue, endpoint, kind));
            foreach (var (kind, list) in results)
            {
                list.Sort();
                double P(double q) => list[Math.Min(list.Count - 1, (int)(q * list.Count))];
                var label = kind switch
                {
                    "sync" => "Nexus sync operation      ",
                    "workflow" => "Nexus workflow operation  ",
                    _ => "child workflow            ",
                };
                Console.WriteLine($"{label} round trip (caller workflow time, n={list.Count}): p50 {P(0.5):F1} ms, p99 {P(0.99):F1} ms");
            }
        });
    }

    private static async Task<double> RoundTripAsync(Temporalio.Client.TemporalClient client, string queue, string endpoint, string kind)
    {
        var id = $"bench-nexus-{kind}-{Guid.NewGuid():N}";
        var handle = await client.StartWorkflowAsync((CallerWorkflow wf) => wf.RunAsync(endpoint, kind, id + "-target"), new(id, queue));
        return await handle.GetResultAsync<double>();
    }
}
