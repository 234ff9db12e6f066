using System.Diagnostics;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// Step processes belong to their worker: kill -9 of the worker process alone ends the step's
/// whole process tree, so the retry on another worker is the only run that finishes.
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class StepProcessGroupTests(ModuleFixture fx)
{
    [Fact]
    public async Task KillingTheWorkerProcessEndsItsStepTreeSoTheStepFinishesOnce()
    {
        using var s = fx.NewSession();
        var q = ModuleFixture.Unique("orphan");
        using var first = WorkerProcess.Start(q);
        try
        {
            var marks = s.PathOf("marks.txt");
            // The step's shell records its pid and a grandchild's (the sleep), then finishes after it.
            var step = "echo start $$ >> marks.txt; sleep 8 & echo child $! >> marks.txt; wait; echo done $$ >> marks.txt";
            var id = s.Run($"(Invoke-KubiyaExec -Agent shell '{step}' -Queue {q} -Cwd . -NoWait -WarningAction SilentlyContinue).Id").Ok().Single().ToString();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Lines(marks).Count(l => l.StartsWith("child ")) < 1 && DateTime.UtcNow < deadline) await Task.Delay(100);
            var firstShell = Pid(Lines(marks).Single(l => l.StartsWith("start ")));
            var firstSleep = Pid(Lines(marks).Single(l => l.StartsWith("child ")));
            Assert.True(Alive(firstShell) && Alive(firstSleep), "the first worker runs the step:\n" + first.OutputText);

            await first.KillWorkerOnlyAsync();

            var gone = DateTime.UtcNow.AddSeconds(6);
            while ((Alive(firstShell) || Alive(firstSleep)) && DateTime.UtcNow < gone) await Task.Delay(50);
            Assert.False(Alive(firstShell), $"the step's shell {firstShell} outlived its killed worker");
            Assert.False(Alive(firstSleep), $"the step's child {firstSleep} outlived its killed worker");

            var r = s.Run($"$w = Start-KubiyaWorker -QueueId {q}; (Wait-KubiyaExecution -Id {id} -Timeout 90).Status", TimeSpan.FromSeconds(120)).Ok();
            Assert.Equal("Completed", r.Output[0].ToString());
            var lines = Lines(marks);
            Assert.Equal(2, lines.Count(l => l.StartsWith("start ")));
            Assert.Single(lines, l => l.StartsWith("done "));
            Assert.DoesNotContain($"done {firstShell}", lines);
        }
        finally
        {
            await first.KillAsync();
        }
    }

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path) : Array.Empty<string>();

    private static int Pid(string line) => int.Parse(line.Split(' ')[1]);

    /// <summary>True while the process exists and is no zombie.</summary>
    internal static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[stat.LastIndexOf(')') + 2];
            return state != 'Z' && state != 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
