using Temporalio.Activities;
using Temporalio.Client;
using Temporalio.Worker;

// A throw-away activity worker in its own process, so tests can kill it (kill -9) mid-activity.
// Usage: Kubiya.TestWorker <address> <namespace> <task-queue> <identity>
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Kubiya.TestWorker <address> <namespace> <task-queue> <identity>");
    return 2;
}
var (address, ns, queue, identity) = (args[0], args[1], args[2], args[3]);
// The test server's caller token, when it requires one (as Kubiya's own clients send it).
var token = Environment.GetEnvironmentVariable("KUBIYA_TEST_SERVER_TOKEN");
var client = await TemporalClient.ConnectAsync(string.IsNullOrEmpty(token)
    ? new(address) { Namespace = ns }
    : new(address) { Namespace = ns, ApiKey = token, Tls = new() { Disabled = true } });
using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue) { Identity = identity, MaxConcurrentActivities = 1 }
    .AddAllActivities(new StallingActivities(identity)));
Console.WriteLine("READY");
await worker.ExecuteAsync(CancellationToken.None);
return 0;

/// <summary>Heartbeats once, announces itself on stdout, then never finishes: the test kills the process.</summary>
internal sealed class StallingActivities(string identity)
{
    [Activity]
    public async Task<string> Work(int item)
    {
        var ctx = ActivityExecutionContext.Current;
        ctx.Heartbeat($"{identity} was here");
        Console.WriteLine($"STARTED item={item} attempt={ctx.Info.Attempt}");
        await Task.Delay(Timeout.Infinite);
        return "unreachable";
    }
}
