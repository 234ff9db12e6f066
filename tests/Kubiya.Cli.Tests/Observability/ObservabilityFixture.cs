using System.Net;
using System.Net.Sockets;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Observability;

/// <summary>
/// A server and home for the worker health tests: workers heartbeat every second (the test-only
/// KUBIYA_TEST_HEARTBEAT_INTERVAL; users are held to 15–300 s) and write probe files under the home.
/// </summary>
public sealed class ObservabilityFixture : CliFixture
{
    /// <summary>An environment for a worker process: fast heartbeats and its own host name.</summary>
    public CliEnvironment WorkerEnv(string hostName) => Env
        .With("KUBIYA_TEST_HEARTBEAT_INTERVAL", "1")
        .With("WORKER_HOSTNAME", hostName);

    /// <summary>Starts <c>kubiya worker start</c> for <paramref name="queue"/> and waits for its first heartbeat log line.</summary>
    public static async Task<CliProcess> StartWorkerAsync(CliEnvironment env, string queue)
    {
        var worker = env.Start(new[] { "worker", "start", "--queue-id", queue });
        await worker.WaitForLineAsync(l => l.Contains("Metrics: tasks_completed="), TimeSpan.FromSeconds(90));
        return worker;
    }

    /// <summary>A TCP port nothing listens on now.</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Polls <paramref name="probe"/> until it returns true.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> probe, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await probe())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting for: " + what);
            await Task.Delay(250);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ObservabilityCollection : ICollectionFixture<ObservabilityFixture>
{
    public const string Name = "Observability";
}
