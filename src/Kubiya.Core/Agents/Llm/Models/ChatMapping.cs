using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>Maps the conversation records to Microsoft.Extensions.AI messages, options and tools.</summary>
    internal static class ChatMapping
    {
        public static List<ChatMessage> ToChatMessages(IEnumerable<LlmMessage> messages) => messages.Select(ToChatMessage).ToList();

        public static ChatMessage ToChatMessage(LlmMessage message)
        {
            switch (message.Role)
            {
                case LlmRoles.System:
                    return new ChatMessage(ChatRole.System, message.Text ?? "");
                case LlmRoles.User:
                    return new ChatMessage(ChatRole.User, message.Text ?? "");
                case LlmRoles.Assistant:
                    var contents = new List<AIContent>();
                    if (!string.IsNullOrEmpty(message.Text)) contents.Add(new TextContent(message.Text));
                    foreach (var call in message.ToolCalls)
                        contents.Add(new FunctionCallContent(call.Id, call.Name, ParseArguments(call.ArgumentsJson)));
                    return new ChatMessage(ChatRole.Assistant, contents);
                case LlmRoles.Tool:
                    return new ChatMessage(ChatRole.Tool, new List<AIContent>
                    {
                        new FunctionResultContent(message.ToolCallId ?? "", message.Text ?? ""),
                    });
                default:
                    throw new ArgumentException($"Unknown conversation role '{message.Role}'.", nameof(message));
            }
        }

        /// <summary>The model's arguments as a dictionary (values stay JSON elements); invalid JSON becomes an empty object.</summary>
        public static IDictionary<string, object?> ParseArguments(string json)
        {
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            try
            {
                using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) return result;
                foreach (var property in doc.RootElement.EnumerateObject()) result[property.Name] = property.Value.Clone();
            }
            catch (JsonException)
            {
                // The tool already answered the model that its arguments were not JSON; resend an empty object.
            }
            return result;
        }

        public static string SerializeArguments(IDictionary<string, object?>? arguments) =>
            arguments == null ? "{}" : JsonSerializer.Serialize(arguments);

        public static ChatOptions ToOptions(ModelTurnRequest request, ModelEndpoint endpoint)
        {
            var options = new ChatOptions
            {
                ModelId = endpoint.ProviderModel,
                Temperature = request.Temperature is { } t ? (float)t : (float?)null,
                MaxOutputTokens = request.MaxOutputTokens ?? endpoint.MaxTokens,
            };
            if (request.Tools.Count > 0)
                options.Tools = request.Tools.Select(ToDeclaration).Cast<AITool>().ToList();
            return options;
        }

        public static AIFunctionDeclaration ToDeclaration(ToolSpec tool)
        {
            JsonElement schema;
            try
            {
                using var doc = JsonDocument.Parse(tool.ParametersJsonSchema);
                schema = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new ModelCallException(ModelErrorIds.ConfigInvalid, $"The argument schema of tool '{tool.Name}' is not valid JSON.", retryable: false);
            }
            return AIFunctionFactory.CreateDeclaration(tool.Name, tool.Description, schema);
        }
    }
}
