using System.Collections;
using System.Reflection;
using System.Runtime.Loader;
using Kubiya.Testing.FakeOpenAi;
using Kubiya.Tests.Infrastructure;

namespace Kubiya.Tests.PowerShell;

/// <summary>
/// The model gateway as the module ships it: Microsoft.Extensions.AI, OpenAI and System.ClientModel
/// load in the module's own context and stream from a real endpoint there (the shared runtime's
/// System.Net.ServerSentEvents and the module's copies must agree on IAsyncEnumerable).
/// </summary>
[Collection(ModuleCollection.Name)]
[Trait("Category", "Agents")]
public sealed class ModelGatewayModuleTests(ModuleFixture fx)
{
    [Fact]
    public async Task GatewayStreamsThroughTheModulesLoadContext()
    {
        using var s = fx.NewSession();
        s.Run("Get-KubiyaAgent | Out-Null").Ok();
        var core = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == "Kubiya.Core");
        var context = AssemblyLoadContext.GetLoadContext(core)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);

        using var fake = new FakeOpenAiServer();
        fake.Enqueue(Reply.ToolCall("read_file", new { path = "a.txt" }).WithText("Reading").WithUsage(11, 4));
        var yaml = $"model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/gpt-4o-mini\n      api_base: {fake.BaseUrl}\n      api_key: sk-module-test\n";

        var catalog = core.GetType("Kubiya.Core.Agents.Llm.Models.ModelCatalog", true)!
            .GetMethod("Parse")!.Invoke(null, new object?[] { yaml, "models.yaml", null });
        var gateway = Activator.CreateInstance(core.GetType("Kubiya.Core.Agents.Llm.Models.ModelGateway", true)!, catalog, null)!;
        var request = Activator.CreateInstance(core.GetType("Kubiya.Core.Agents.Llm.Models.ModelTurnRequest", true)!)!;
        request.GetType().GetProperty("Model")!.SetValue(request, "m");
        var message = Activator.CreateInstance(core.GetType("Kubiya.Core.Agents.Llm.LlmMessage", true)!)!;
        message.GetType().GetProperty("Text")!.SetValue(message, "read a.txt");
        ((IList)request.GetType().GetProperty("Messages")!.GetValue(request)!).Add(message);

        var deltas = new List<string>();
        var task = (Task)gateway.GetType().GetMethod("CompleteAsync")!.Invoke(gateway, new object?[] { request, new Action<string>(deltas.Add), CancellationToken.None })!;
        await task.WaitAsync(TimeSpan.FromSeconds(30));
        var result = task.GetType().GetProperty("Result")!.GetValue(task)!;

        var reply = result.GetType().GetProperty("Message")!.GetValue(result)!;
        Assert.Equal("Reading", reply.GetType().GetProperty("Text")!.GetValue(reply));
        Assert.Equal("Reading", string.Concat(deltas));
        var call = ((IList)reply.GetType().GetProperty("ToolCalls")!.GetValue(reply)!)[0]!;
        Assert.Equal("read_file", call.GetType().GetProperty("Name")!.GetValue(call));
        Assert.Equal("{\"path\":\"a.txt\"}", call.GetType().GetProperty("ArgumentsJson")!.GetValue(call));
        var usage = result.GetType().GetProperty("Usage")!.GetValue(result)!;
        Assert.Equal(11L, usage.GetType().GetProperty("InputTokens")!.GetValue(usage));
        Assert.Equal("Bearer sk-module-test", Assert.Single(fake.Requests).Authorization);

        foreach (var name in new[] { "OpenAI", "Microsoft.Extensions.AI.OpenAI", "System.ClientModel", "Microsoft.Bcl.AsyncInterfaces" })
        {
            var loaded = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == name && AssemblyLoadContext.GetLoadContext(a) == context).ToList();
            Assert.True(loaded.Count == 1, $"{name} should load once in the module's context");
            Assert.StartsWith(Path.Combine(RepoPaths.ModuleDir, "Dependencies"), loaded[0].Location);
        }
    }
}
