using System.Diagnostics;
using Kubiya.Core.Agents.Llm.Tools;

namespace Kubiya.Core.Tests.Agents.Tools;

/// <summary>The shell tool: real processes, policy, bounded output, timeout, cancellation, secrets.</summary>
[Trait("Category", "Agents")]
public sealed class ShellToolTests : IDisposable
{
    private readonly ToolWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public void ACommandRunsInTheWorkingDirectoryAndStreamsItsLines()
    {
        ws.Write("hello.txt", "hi");
        var r = ws.Run(BuiltInTools.Shell, new { command = "ls; echo err >&2; echo done" });
        Assert.False(r.IsError, r.Output);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("hello.txt", r.Output);
        Assert.Contains("done", r.Output);
        Assert.Contains(("err", true), ws.Lines);
        Assert.Contains(("done", false), ws.Lines);
    }

    [Fact]
    public void ANonZeroExitIsAnErrorWithTheCodeAndTheOutput()
    {
        var r = ws.Run(BuiltInTools.Shell, new { command = "echo before failing; exit 3" });
        Assert.True(r.IsError);
        Assert.Equal(3, r.ExitCode);
        Assert.StartsWith("exit code 3\n", r.Output);
        Assert.Contains("before failing", r.Output);
    }

    [Fact]
    public void DenyWinsOverAllow()
    {
        ws.Policy.Allow.Add("rm *");
        ws.Policy.Allow.Add("echo *");
        ws.Policy.Deny.Add("rm -rf *");
        ws.Write("keep.txt", "x");
        var r = ws.Run(BuiltInTools.Shell, new { command = "rm   -rf keep.txt" });
        Assert.True(r.IsError);
        Assert.Equal("command denied by policy: it matches the deny pattern 'rm -rf *'", r.Output);
        Assert.True(File.Exists(ws.PathOf("keep.txt")));

        // A denied command hidden behind an allowed one is found too.
        var chained = ws.Run(BuiltInTools.Shell, new { command = "echo ok && rm -rf keep.txt" });
        Assert.True(chained.IsError);
        Assert.Contains("deny pattern", chained.Output);
        Assert.True(File.Exists(ws.PathOf("keep.txt")));
        Assert.Empty(ws.Lines);
    }

    [Fact]
    public void WithAnAllowListEveryChainedCommandMustMatch()
    {
        ws.Policy.Allow.Add("echo *");
        ws.Policy.Allow.Add("ls");
        Assert.False(ws.Run(BuiltInTools.Shell, new { command = "echo a; ls" }).IsError);

        var other = ws.Run(BuiltInTools.Shell, new { command = "touch made.txt" });
        Assert.True(other.IsError);
        Assert.Equal("command denied by policy: 'touch made.txt' matches none of the allowed patterns ('echo *', 'ls')", other.Output);

        var piped = ws.Run(BuiltInTools.Shell, new { command = "echo x | tee made.txt" });
        Assert.True(piped.IsError);
        var substituted = ws.Run(BuiltInTools.Shell, new { command = "echo $(touch made.txt)" });
        Assert.True(substituted.IsError);
        Assert.Contains("command substitution", substituted.Output);
        Assert.False(File.Exists(ws.PathOf("made.txt")));

        // Separators inside quotes are text, not chaining.
        var quoted = ws.Run(BuiltInTools.Shell, new { command = "echo 'a; touch made.txt'" });
        Assert.False(quoted.IsError, quoted.Output);
        Assert.False(File.Exists(ws.PathOf("made.txt")));
    }

    [Fact]
    public void BigOutputIsCutInTheMiddleWithANote()
    {
        ws.Runner.MaxOutputBytes = 4096;
        var r = ws.Run(BuiltInTools.Shell, new { command = "for i in $(seq 1 5000); do echo \"line $i\"; done" });
        Assert.False(r.IsError, r.Output);
        Assert.True(r.Truncated);
        Assert.StartsWith("line 1\nline 2\n", r.Output);
        Assert.EndsWith("line 4999\nline 5000\n", r.Output);
        Assert.Matches(@"\[\.\.\. \d+ bytes truncated \.\.\.\]", r.Output);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(r.Output), 3000, 4096 + 100);
        // Every line still reached the live stream.
        Assert.Equal(5000, ws.Lines.Count);
    }

    [Fact]
    public async Task ATimeoutKillsTheCommandAndItsChildren()
    {
        var watch = Stopwatch.StartNew();
        var r = await ws.RunAsync(BuiltInTools.Shell, new { command = "sleep 300 & echo child=$!; wait" }, timeoutSeconds: 1.5);
        Assert.True(r.IsError);
        Assert.Contains("timed out after 1.5s", r.Output);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), watch.Elapsed.ToString());
        var childLine = r.Output.Split('\n').Single(l => l.StartsWith("child=", StringComparison.Ordinal));
        var pid = int.Parse(childLine.Substring("child=".Length));
        Assert.True(await ToolWorkspace.WaitGoneAsync(pid, TimeSpan.FromSeconds(10)), $"child {pid} survived the timeout");
    }

    [Fact]
    public async Task TheModelsTimeoutIsBoundedByTheAgentsLimit()
    {
        var r = await ws.RunAsync(BuiltInTools.Shell, new { command = "sleep 30", timeoutSeconds = 1 }, timeoutSeconds: 60);
        Assert.True(r.IsError);
        Assert.Contains("timed out after 1s", r.Output);
        var capped = await ws.RunAsync(BuiltInTools.Shell, new { command = "sleep 30", timeoutSeconds = 999 }, timeoutSeconds: 1);
        Assert.Contains("timed out after 1s", capped.Output);
    }

    [Fact]
    public async Task CancellationThrowsAndKillsTheProcessTree()
    {
        using var cts = new CancellationTokenSource();
        var pidSeen = new TaskCompletionSource<int>();
        var request = ws.Request(BuiltInTools.Shell, new { command = "sleep 300 & echo child=$!; wait" });
        var run = ws.Runner.RunAsync(request, (line, _) =>
        {
            if (line.StartsWith("child=", StringComparison.Ordinal)) pidSeen.TrySetResult(int.Parse(line.Substring(6)));
        }, cts.Token);
        var pid = await pidSeen.Task.WaitAsync(TimeSpan.FromSeconds(20));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(await ToolWorkspace.WaitGoneAsync(pid, TimeSpan.FromSeconds(10)), $"child {pid} survived cancellation");
    }

    [Fact]
    public void EnvReferencesAreResolvedOnTheWorkerAndTheirValuesMasked()
    {
        var variable = "KUBIYA_TOOL_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(variable, "s3cr3t-value-42");
        try
        {
            ws.Env["API_TOKEN"] = "${env:" + variable + "}";
            ws.Env["PLAIN"] = "visible";
            var r = ws.Run(BuiltInTools.Shell, new { command = "echo \"token=$API_TOKEN plain=$PLAIN\"; test \"$API_TOKEN\" = s3cr3t-value-42 && echo resolved" });
            Assert.False(r.IsError, r.Output);
            Assert.Contains("token=*** plain=visible", r.Output);
            Assert.Contains("resolved", r.Output);
            Assert.DoesNotContain("s3cr3t-value-42", r.Output);
            Assert.DoesNotContain(ws.Lines, l => l.Line.Contains("s3cr3t-value-42"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void TheWorkersCredentialsAreWithheldUnlessTheAgentPassesThem()
    {
        var variable = "KUBIYA_TOOL_WITHHELD_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(variable, "worker-credential");
        try
        {
            ws.Runner.WithheldVariables.Add(variable);
            var r = ws.Run(BuiltInTools.Shell, new { command = $"echo \"[${variable}]\"" });
            Assert.Equal("[]\n", r.Output);

            ws.Env[variable] = "${env:" + variable + "}";
            var passed = ws.Run(BuiltInTools.Shell, new { command = $"test \"${variable}\" = worker-credential && echo passed" });
            Assert.Equal("passed\n", passed.Output);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void ValuesUnderSecretLookingNamesAreMasked()
    {
        ws.Env["DB_PASSWORD"] = "hunter2-literal";
        var r = ws.Run(BuiltInTools.Shell, new { command = "echo \"pw=$DB_PASSWORD\"" });
        Assert.Equal("pw=***\n", r.Output);
    }

    [Fact]
    public void AMissingSecretIsAToolErrorNamingTheVariable()
    {
        ws.Env["API_TOKEN"] = "${env:KUBIYA_TOOL_TEST_NOT_SET_ANYWHERE}";
        var r = ws.Run(BuiltInTools.Shell, new { command = "echo never" });
        Assert.True(r.IsError);
        Assert.Contains("KUBIYA_TOOL_TEST_NOT_SET_ANYWHERE", r.Output);
        Assert.Contains("is not set", r.Output);
        Assert.Empty(ws.Lines);
    }
}
