using Kubiya.Testing.FakeOpenAi;
using Kubiya.Tests.PowerShell;

namespace Kubiya.Tests.Agents;

/// <summary>A worker process killed with kill -9 in the middle of an agent's tool call: another worker finishes, and no finished call runs twice.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Agents")]
public sealed class LlmDurabilityTests(ModuleFixture fx)
{
    [Fact]
    public async Task SecondWorkerFinishesAfterTheFirstIsKilledDuringALongToolCall()
    {
        using var s = fx.NewSession();
        using var kit = new LlmTestKit(fx, s);
        kit.Agent("durable", "tools: [shell, read_file]");
        kit.Fake.Enqueue(
            Reply.ToolCall("read_file", new { path = "input.txt" }).WithUsage(10, 2),
            Reply.ToolCall("shell", new { command = "echo attempt >> attempts.txt; sleep 8; echo finished" }).WithUsage(20, 3),
            Reply.Text("Recovered after the crash.").WithUsage(30, 4));
        File.WriteAllText(s.PathOf("input.txt"), "input-content");
        var q = ModuleFixture.Unique("llm-crash");
        using var first = WorkerProcess.Start(q, $"-ModelConfig '{kit.ModelsFile}'");
        try
        {
            var id = s.Run($"(Invoke-KubiyaExec -Agent durable 'survive a crash' -Queue {q} -Cwd . -NoWait -WarningAction SilentlyContinue).Id").Ok().Single().ToString();
            var marker = s.PathOf("attempts.txt");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(marker) && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.True(File.Exists(marker), "the first worker started the long tool call:\n" + first.OutputText);
            Assert.Equal(2, kit.Fake.ChatRequests.Count);

            await first.KillAsync();

            var second = s.Run($"(Start-KubiyaWorker -QueueId {q} -ModelConfig '{kit.ModelsFile}').Identity").Ok().Single().ToString();
            var e = s.Run($"Wait-KubiyaExecution -Id {id} -Timeout 90", TimeSpan.FromSeconds(120)).Ok();
            Assert.Equal(second, e.Prop<string>("Worker"));
            Assert.Equal("Completed", e.Prop<string>("Status"));
            Assert.Equal("Recovered after the crash.", e.Prop<string>("Output"));
            // One request per turn: the first two model calls were never repeated by the second worker.
            Assert.Equal(3, kit.Fake.ChatRequests.Count);
            Assert.Equal(3, e.Prop<int>("Turns"));
            Assert.Equal(60L, e.Prop<long>("InputTokens"));
            // The side-effecting tool call was not run again; the model was told instead.
            Assert.Single(File.ReadAllLines(marker));
            var toolMessage = kit.Fake.ChatRequests[2].Messages.Last(m => m.Role == "tool").Content!;
            Assert.StartsWith("ERROR:", toolMessage);
            Assert.Contains("not run again", toolMessage);
            Assert.Contains("input-content", kit.RequestText(2));
            await kit.AssertKeyAbsentAsync(id);
        }
        finally
        {
            await first.KillAsync();
        }
    }
}
