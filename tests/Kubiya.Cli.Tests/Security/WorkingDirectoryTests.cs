using Kubiya.Cli.Tests.Infrastructure;
using Kubiya.Core.Agents;
using Kubiya.Core.Workflows;
using Temporalio.Client;

namespace Kubiya.Cli.Tests.Security;

/// <summary>A relative step folder that climbs out of the execution's folder is refused by the workflow itself, whatever built the input.</summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Security")]
public sealed class WorkingDirectoryTests(CliFixture fx)
{
    [Fact]
    public async Task AnEscapingRelativeFolderFailsTheStepInsteadOfRunningInRoot()
    {
        var queue = CliFixture.Unique("cwdq");
        var root = Directory.CreateTempSubdirectory("kubiya-cwd-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "inside"));
        using var worker = fx.Env.Start(new[] { "worker", "start", "--queue-id", queue });
        await worker.WaitForLineAsync(l => l.Contains($"polling queue '{queue}'"));
        try
        {
            var client = await fx.Server.ConnectAsync();
            var input = new ExecutionInput
            {
                Prompt = "cwd",
                Agent = "crafted",
                WorkingDirectory = root,
                Steps =
                {
                    new StepDefinition { Name = "inside", Kind = StepKind.Shell, Command = "pwd", WorkingDirectory = "inside" },
                    new StepDefinition { Name = "escape", Kind = StepKind.Shell, Command = "pwd > escaped.txt", WorkingDirectory = "../../../../.." },
                },
            };
            var handle = await client.StartWorkflowAsync(WorkflowNames.Execution, new object[] { input }, new(CliFixture.Unique("exec-cwd"), queue));
            var ex = await Assert.ThrowsAsync<Temporalio.Exceptions.WorkflowFailedException>(() => handle.GetResultAsync<ExecutionOutcome>());
            var message = ex.InnerException?.Message ?? ex.Message;
            Assert.Contains("Step 'escape': workingDirectory '../../../../..' leaves the execution's folder", message);
            Assert.False(File.Exists("/escaped.txt"));
            var r = (await fx.Env.RunAsync("execution", "get", handle.Id, "-o", "json")).Exit(0);
            Assert.Contains(Path.Combine(root, "inside"), r.Json.GetProperty("output").GetString());
        }
        finally
        {
            worker.Signal("TERM");
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
    }
}
