namespace Kubiya.Bench;

/// <summary>Engine throughput: one-activity workflows with 1 and 8 concurrent starters.</summary>
public static class ServerBench
{
    public static Task RunAsync()
    {
        Console.WriteLine("(not yet written)");
        return Task.CompletedTask;
    }
}
