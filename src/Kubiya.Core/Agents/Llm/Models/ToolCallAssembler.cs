using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>
    /// Puts streamed tool calls back together. The OpenAI stream's own deltas (index, id, name,
    /// argument fragments) are preferred, so arguments stay exactly as the model wrote them even
    /// when they are not valid JSON; other chat clients' finished function calls are the fallback.
    /// </summary>
    internal sealed class ToolCallAssembler
    {
        private sealed class Partial
        {
            public string? Id;
            public string? Name;
            public readonly StringBuilder Arguments = new StringBuilder();
        }

        private readonly SortedDictionary<int, Partial> fromDeltas = new SortedDictionary<int, Partial>();
        private readonly List<LlmToolCall> fromContents = new List<LlmToolCall>();

        public void Add(StreamingChatCompletionUpdate update)
        {
            foreach (var delta in update.ToolCallUpdates)
            {
                if (!fromDeltas.TryGetValue(delta.Index, out var partial)) fromDeltas[delta.Index] = partial = new Partial();
                if (!string.IsNullOrEmpty(delta.ToolCallId)) partial.Id = delta.ToolCallId;
                if (!string.IsNullOrEmpty(delta.FunctionName)) partial.Name = delta.FunctionName;
                if (delta.FunctionArgumentsUpdate != null && !delta.FunctionArgumentsUpdate.ToMemory().IsEmpty)
                    partial.Arguments.Append(delta.FunctionArgumentsUpdate.ToString());
            }
        }

        public void Add(FunctionCallContent call) => fromContents.Add(new LlmToolCall
        {
            Id = call.CallId,
            Name = call.Name,
            ArgumentsJson = ChatMapping.SerializeArguments(call.Arguments),
        });

        public List<LlmToolCall> Result()
        {
            if (fromDeltas.Count == 0) return fromContents;
            return fromDeltas.Values.Select(p => new LlmToolCall
            {
                Id = p.Id ?? "",
                Name = p.Name ?? "",
                ArgumentsJson = p.Arguments.Length == 0 ? "{}" : p.Arguments.ToString(),
            }).ToList();
        }
    }
}
