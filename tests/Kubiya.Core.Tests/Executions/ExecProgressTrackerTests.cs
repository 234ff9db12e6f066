using Kubiya.Core.Executions;
using Kubiya.Core.Logs;
using Kubiya.Core.Progress;

namespace Kubiya.Core.Tests.Executions;

/// <summary>Progress of a followed execution from its log entries: runbook steps, changes sub-commands, teams, llm turns.</summary>
[Trait("Category", "Executions")]
public sealed class ExecProgressTrackerTests
{
    private static LogEntry E(string kind, string? step = null, int? attempt = null) =>
        new() { ExecutionId = "exec-1", Kind = kind, Step = step, Attempt = attempt, Text = kind.ToString() };

    private static ExecutionInfo Runbook(int steps) =>
        new() { Id = "exec-1", Agent = "ci", Queue = "build", Progress = $"0/{steps}", Status = ExecutionStatus.Pending };

    [Fact]
    public void RunbookStepsCountUpWithPercentAndTheBarClosesCompleted()
    {
        var t = new ExecProgressTracker();
        var start = t.Start(Runbook(3));
        Assert.Equal("Execution exec-1 (agent ci)", start.Activity);
        Assert.Equal("waiting for a worker on queue 'build'", start.Status);
        Assert.Equal(0, start.PercentComplete);

        var shown = new List<ExecProgress?>
        {
            t.OnEntry(E(LogEntryKind.Started)),
            t.OnEntry(E(LogEntryKind.StepStarted, "restore", 1)),
            t.OnEntry(E(LogEntryKind.Output, "restore")),
            t.OnEntry(E(LogEntryKind.StepCompleted, "restore", 1)),
            t.OnEntry(E(LogEntryKind.StepStarted, "build", 1)),
            t.OnEntry(E(LogEntryKind.StepStarted, "build", 2)),
            t.OnEntry(E(LogEntryKind.StepCompleted, "build", 2)),
            t.OnEntry(E(LogEntryKind.StepStarted, "test", 1)),
        };
        Assert.Null(shown[0]);
        Assert.Equal("step 1 of 3: restore", shown[1]!.Status);
        Assert.Equal(0, shown[1]!.PercentComplete);
        Assert.Null(shown[2]);
        Assert.Equal(33, shown[3]!.PercentComplete);
        Assert.Equal("step 2 of 3: build", shown[4]!.Status);
        Assert.Equal(33, shown[4]!.PercentComplete);
        // A retry of the same step is not a new step.
        Assert.Null(shown[5]);
        Assert.Equal(66, shown[6]!.PercentComplete);
        Assert.Equal("step 3 of 3: test", shown[7]!.Status);

        var end = t.OnEntry(E(LogEntryKind.Completed))!;
        Assert.True(end.Completed);
        Assert.Equal(100, end.PercentComplete);
        Assert.Equal("Completed", end.Status);
    }

    [Fact]
    public void ApprovalsAndChangesStepsCountOnceAndAQuestionSaysItWaits()
    {
        var t = new ExecProgressTracker();
        t.Start(Runbook(3));
        Assert.Equal("step 1 of 3: tests", t.OnEntry(E(LogEntryKind.Checkpoint, "tests"))!.Status);
        // The commands a changes step matched run as tests[1], tests[2]: still step 1.
        Assert.Null(t.OnEntry(E(LogEntryKind.StepStarted, "tests[1]", 1)));
        Assert.Null(t.OnEntry(E(LogEntryKind.StepStarted, "tests[2]", 1)));
        var asked = t.OnEntry(E(LogEntryKind.Question, "publish?"))!;
        Assert.Equal("step 2 of 3: publish? - waiting for an answer", asked.Status);
        Assert.Equal(33, asked.PercentComplete);
        Assert.Equal("step 2 of 3: publish?", t.OnEntry(E(LogEntryKind.Answer, "publish?"))!.Status);
        Assert.Equal("step 3 of 3: publish", t.OnEntry(E(LogEntryKind.StepStarted, "publish", 1))!.Status);
        var failed = t.OnEntry(E(LogEntryKind.Failed))!;
        Assert.True(failed.Completed);
        Assert.Equal("Failed", failed.Status);
        Assert.Equal(66, failed.PercentComplete);
    }

    [Fact]
    public void TeamStepsNameTheirMember()
    {
        var t = new ExecProgressTracker();
        var start = t.Start(new ExecutionInfo { Id = "exec-2", Team = "release", Queue = "q", Progress = "0/2" });
        Assert.Equal("Execution exec-2 (team release)", start.Activity);
        Assert.Equal("step 1 of 2: build/compile", t.OnEntry(E(LogEntryKind.StepStarted, "build/compile", 1))!.Status);
        Assert.Equal("step 2 of 2: ship/push", t.OnEntry(E(LogEntryKind.StepStarted, "ship/push", 1))!.Status);
    }

    [Fact]
    public void LlmAgentsShowTurnsAndToolsWithoutAPercentage()
    {
        var t = new ExecProgressTracker();
        t.Start(new ExecutionInfo { Id = "exec-3", Agent = "helper", Queue = "q", Model = "gpt", Progress = null });
        Assert.Equal("turn 1, model", t.OnEntry(E(LogEntryKind.Message, "model", 1))!.Status);
        Assert.Null(t.OnEntry(E(LogEntryKind.Message, "model", 1)));
        var tool = t.OnEntry(E(LogEntryKind.ToolCall, "tool:read_file", 1))!;
        Assert.Equal("turn 1, read_file", tool.Status);
        Assert.Equal(-1, tool.PercentComplete);
        Assert.Equal("turn 2, model", t.OnEntry(E(LogEntryKind.Usage, "model", 2))!.Status);
        Assert.Equal("turn 2, run_shell", t.OnEntry(E(LogEntryKind.ToolCall, "tool:run_shell", 2))!.Status);
        var end = t.OnEntry(E(LogEntryKind.Completed))!;
        Assert.True(end.Completed);
        Assert.Equal(-1, end.PercentComplete);
    }

    [Fact]
    public void NothingIsShownBeforeStart()
    {
        Assert.Null(new ExecProgressTracker().OnEntry(E(LogEntryKind.StepStarted, "a", 1)));
    }
}
