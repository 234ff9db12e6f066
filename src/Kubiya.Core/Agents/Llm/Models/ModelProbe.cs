using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>The answer of <see cref="ModelProbe.TestAsync"/>.</summary>
    public sealed class ModelProbeResult
    {
        /// <summary>Model name tested.</summary>
        public string Model { get; set; } = "";
        /// <summary>True when the endpoint answered.</summary>
        public bool Ok { get; set; }
        /// <summary>Round trip in milliseconds.</summary>
        public long LatencyMs { get; set; }
        /// <summary>The provider's model name that answered.</summary>
        public string? ProviderModel { get; set; }
        /// <summary>The (one-token) reply.</summary>
        public string? Reply { get; set; }
        /// <summary>Why it failed, in the user's terms.</summary>
        public string? Error { get; set; }
        /// <summary>Specific error id of the failure.</summary>
        public string? ErrorId { get; set; }
    }

    /// <summary>Sends a one-token request to a configured model, through the same gateway llm agents use.</summary>
    public static class ModelProbe
    {
        /// <summary>Asks <paramref name="model"/> for one token.</summary>
        public static async Task<ModelProbeResult> TestAsync(ModelCatalog catalog, string model, CancellationToken cancellationToken)
        {
            var result = new ModelProbeResult { Model = model };
            var watch = Stopwatch.StartNew();
            try
            {
                var gateway = new ModelGateway(catalog);
                var reply = await gateway.CompleteAsync(new ModelTurnRequest
                {
                    Model = model,
                    MaxOutputTokens = 1,
                    Messages = { new LlmMessage { Role = LlmRoles.User, Text = "Reply with one word: ok" } },
                }, null, cancellationToken).ConfigureAwait(false);
                result.Ok = true;
                result.ProviderModel = reply.ProviderModel;
                result.Reply = reply.Message.Text;
            }
            catch (ModelCallException ex)
            {
                result.Error = ex.Message;
                result.ErrorId = ex.ErrorId;
            }
            catch (Errors.KubiyaException ex)
            {
                result.Error = ex.Message;
                result.ErrorId = ex.ErrorId;
            }
            result.LatencyMs = watch.ElapsedMilliseconds;
            return result;
        }
    }
}
