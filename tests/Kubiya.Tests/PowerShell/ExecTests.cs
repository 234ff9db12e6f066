using System.Management.Automation;

namespace Kubiya.Tests.PowerShell;

/// <summary>Invoke-KubiyaExec as a user runs it: -Local, failures, runbooks, options.</summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "PowerShell")]
public sealed class ExecTests(ModuleFixture fx)
{
    [Fact]
    public void LocalShellExecutionCompletesAndReturnsTheExecution()
    {
        using var s = fx.NewSession();
        var r = s.Run("Invoke-KubiyaExec -Agent shell 'echo hi' -Local -Yes").Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Equal("hi", r.Prop<string>("Output").Trim());
        Assert.Equal("shell", r.Prop<string>("Agent"));
        Assert.StartsWith("local-", r.Prop<string>("Queue"));
        Assert.False(string.IsNullOrEmpty(r.Prop<string>("Worker")));
        Assert.True(r.Prop<double?>("Duration") >= 0);
        Assert.Equal("Kubiya.Core.Executions.ExecutionInfo", r.Single().BaseObject.GetType().FullName);
    }

    [Fact]
    public void OutputStreamsToTheInformationStreamWithKinds()
    {
        using var s = fx.NewSession();
        var r = s.Run("Invoke-KubiyaExec -Agent shell 'echo first; echo oops 1>&2; echo second' -Local").Ok();
        Assert.Contains(r.Information, i => i.MessageData.ToString() == "first" && i.Tags.Contains("Output"));
        Assert.Contains(r.Information, i => i.MessageData.ToString() == "oops" && i.Tags.Contains("Error"));
        Assert.Contains(r.Information, i => i.Tags.Contains("StepStarted"));
        Assert.Contains(r.Information, i => i.Tags.Contains("Completed"));
        var texts = r.Information.Select(i => i.MessageData.ToString()).ToList();
        Assert.True(texts.IndexOf("first") < texts.IndexOf("second"), "output keeps its order");
    }

    [Fact]
    public void LocalLeavesNoWorkerJobAndNoQueueBehind()
    {
        using var s = fx.NewSession();
        var r = s.Run("$e = Invoke-KubiyaExec -Agent shell 'echo x' -Local -Yes; $e.Queue; @(Get-Job).Count; @(Get-KubiyaWorker -Session).Count").Ok();
        var queue = r.Output[0].ToString();
        Assert.Equal(0, (int)r.Output[1].BaseObject);
        Assert.Equal(0, (int)r.Output[2].BaseObject);
        Assert.False(Directory.Exists(Path.Combine(fx.Home, "workers", queue)), "the ephemeral queue folder is removed");
    }

    [Fact]
    public void LocalWorkerIsAJobWhileTheExecutionRuns()
    {
        using var s = fx.NewSession();
        var (shell, handle) = s.Begin("Invoke-KubiyaExec -Agent shell 'sleep 3; echo done' -Local -Yes");
        using (shell)
        {
            var seen = false;
            for (var i = 0; i < 100 && !seen; i++)
            {
                Thread.Sleep(100);
                seen = s.WorkerJobNames().Any(n => n.StartsWith("KubiyaLocal:"));
            }
            Assert.True(seen, "the local worker shows as a KubiyaWorker job while it runs");
            var result = shell.EndInvoke(handle);
            Assert.Equal("Completed", result.Single().Properties["Status"].Value.ToString());
            Assert.Empty(s.WorkerJobNames());
            Assert.Equal("0", s.Run("@(Get-Job).Count").Ok().Single().ToString());
        }
    }

    [Fact]
    public void FailingStepGivesAFailedExecutionAndAnErrorRecord()
    {
        using var s = fx.NewSession();
        var r = s.Run("Invoke-KubiyaExec -Agent shell 'echo before; exit 3' -Local -Yes");
        Assert.Equal("Failed", r.Prop<string>("Status"));
        Assert.Contains("code 3", r.Prop<string>("Error"));
        Assert.Contains("before", r.Prop<string>("Output"));
        var err = Assert.Single(r.Errors);
        Assert.StartsWith("ExecutionFailed,", err.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidResult, err.CategoryInfo.Category);
    }

    [Fact]
    public void ErrorActionStopFailsThePipelineStep()
    {
        using var s = fx.NewSession();
        var r = s.Run("try { Invoke-KubiyaExec -Agent shell 'exit 1' -Local -Yes -ErrorAction Stop | Out-Null; 'continued' } catch { 'caught: ' + $_.FullyQualifiedErrorId }");
        Assert.StartsWith("caught: ExecutionFailed", Assert.Single(r.Output).ToString());
    }

    [Fact]
    public void RunbookStepsRunInOrderWithEnvAndWorkingDirectory()
    {
        using var s = fx.NewSession();
        Directory.CreateDirectory(s.PathOf("sub"));
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "build", """
            name: build
            description: Builds things
            tags: [ci]
            env:
              GREETING: hello
            steps:
              - name: where
                shell: pwd
                workingDirectory: sub
              - name: greet
                shell: echo "$GREETING $TARGET from $KUBIYA_AGENT"
                env:
                  TARGET: world
            """);
        var r = s.Run("Invoke-KubiyaExec -Agent build 'build it' -Local").Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        var lines = r.Prop<string>("Output").Trim().Split('\n');
        Assert.Equal(Path.Combine(s.WorkingDirectory, "sub"), lines[0]);
        Assert.Equal("hello world from build", lines[1]);
        Assert.Equal("2/2", r.Prop<string>("Progress"));
    }

    [Fact]
    public void StepRetriesRunAFailingCommandAgain()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "flaky", """
            name: flaky
            steps:
              - name: try
                shell: echo run >> runs.txt; test $(wc -l < runs.txt) -ge 2
                retries: 2
            """);
        var r = s.Run("Invoke-KubiyaExec -Agent flaky 'go' -Local").Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Contains(r.Information, i => i.Tags.Contains("StepStarted") && i.MessageData.ToString()!.Contains("(run 2)"));
        Assert.Equal(2, File.ReadAllLines(s.PathOf("runs.txt")).Length);
    }

    [Fact]
    public void ContinueOnErrorKeepsGoing()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "lenient", """
            name: lenient
            steps:
              - name: broken
                shell: exit 5
                continueOnError: true
              - name: after
                shell: echo still here
            """);
        var r = s.Run("Invoke-KubiyaExec -Agent lenient 'go' -Local").Ok();
        Assert.Equal("Completed", r.Prop<string>("Status"));
        Assert.Contains("still here", r.Prop<string>("Output"));
        Assert.Contains(r.Information, i => i.Tags.Contains("Warning") && i.MessageData.ToString()!.Contains("continueOnError"));
    }

    [Fact]
    public void StepTimeoutKillsTheCommand()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "slow", """
            name: slow
            steps:
              - name: wait
                shell: sleep 30; touch finished.txt
                timeout: 1
            """);
        var r = s.Run("Invoke-KubiyaExec -Agent slow 'go' -Local");
        Assert.Equal("Failed", r.Prop<string>("Status"));
        Assert.Contains("timed out", r.Prop<string>("Error"));
        Assert.False(File.Exists(s.PathOf("finished.txt")));
    }

    [Fact]
    public void TeamRunsEachAgentInOrder()
    {
        using var s = fx.NewSession();
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "a", "name: alpha\nsteps:\n  - shell: echo from-alpha\n");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "b", "name: beta\nsteps:\n  - shell: echo from-beta\n");
        TestAgents.WriteProjectAgent(s.WorkingDirectory, "t", "name: crew\nkind: team\nagents: [alpha, beta]\n");
        var r = s.Run("Invoke-KubiyaExec -Team crew 'go' -Local").Ok();
        Assert.Equal("crew", r.Prop<string>("Team"));
        Assert.Equal("from-alpha\nfrom-beta", r.Prop<string>("Output").Trim());
    }

    [Fact]
    public void ParentExecutionContextReachesTheChild()
    {
        using var s = fx.NewSession();
        var r = s.Run("""
            $p = Invoke-KubiyaExec -Agent shell 'echo parent-says-42' -Local
            $c = Invoke-KubiyaExec -Agent shell 'echo "$KUBIYA_PARENT_EXECUTION_ID:$KUBIYA_PARENT_OUTPUT"' -Local -ParentExecution $p.Id
            $p.Id; $c.ParentExecutionId; $c.Output
            """).Ok();
        Assert.Equal(r.Output[0].ToString(), r.Output[1].ToString());
        Assert.Equal($"{r.Output[0]}:parent-says-42", r.Output[2].ToString().Trim());
    }

    [Fact]
    public void PriorityAndEnvironmentAreRecorded()
    {
        using var s = fx.NewSession();
        var r = s.Run("Invoke-KubiyaExec -Agent shell 'echo $KUBIYA_ENVIRONMENT' -Local -Priority critical -Environment staging").Ok();
        Assert.Equal("Critical", r.Prop<string>("Priority"));
        Assert.Equal("staging", r.Prop<string>("Environment"));
        Assert.Equal("staging", r.Prop<string>("Output").Trim());
    }

    [Fact]
    public void BadInputGetsSpecificErrors()
    {
        using var s = fx.NewSession();
        var unknown = s.Run("Invoke-KubiyaExec -Agent nosuch 'x' -Local");
        Assert.StartsWith("AgentNotFound,", Assert.Single(unknown.Errors).FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, unknown.Errors[0].CategoryInfo.Category);

        // Without -Agent/-Team the prompt is planned; nothing fits 'x'.
        var none = s.Run("Invoke-KubiyaExec 'x' -Local");
        Assert.StartsWith("NoAgentMatched,", Assert.Single(none.Errors).FullyQualifiedErrorId);

        var noWait = s.Run("Invoke-KubiyaExec -Agent shell 'x' -Local -NoWait");
        Assert.StartsWith("LocalNoWait,", Assert.Single(noWait.Errors).FullyQualifiedErrorId);

        var cwd = s.Run("Invoke-KubiyaExec -Agent shell 'x' -Local -Cwd ./does-not-exist");
        Assert.StartsWith("WorkingDirectoryNotFound,", Assert.Single(cwd.Errors).FullyQualifiedErrorId);

        var parent = s.Run("Invoke-KubiyaExec -Agent shell 'x' -Local -ParentExecution exec-doesnotexist");
        Assert.StartsWith("ParentExecutionNotFound,", Assert.Single(parent.Errors).FullyQualifiedErrorId);

        var noQueue = s.Run("Invoke-KubiyaExec -Agent shell 'x'");
        Assert.StartsWith("QueueRequired,", Assert.Single(noQueue.Errors).FullyQualifiedErrorId);

        var priority = s.Run("Invoke-KubiyaExec -Agent shell 'x' -Local -Priority urgent");
        Assert.Contains("ParameterArgumentValidationError", priority.ErrorText);
    }
}
