using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Kubiya.Core.Agents.Llm.Loop;

namespace Kubiya.Core.Logs
{
    /// <summary>Readable log entries for the agent loop's activities (model turns and tool calls) read from history.</summary>
    internal static class LlmLogText
    {
        private const int ResultPreview = 2000;

        /// <summary>What a scheduled call is, for failure lines.</summary>
        public static string Name(object call) => call switch
        {
            ModelTurnInput m => $"Model call {m.Turn} ({m.Request.Model})",
            ToolCallInput t => $"Tool {t.Request.Tool}",
            _ => "Call",
        };

        /// <summary>Arguments on one short line.</summary>
        public static string Arguments(string json)
        {
            var s = (json ?? "").Replace("\r", " ").Replace("\n", " ");
            return s.Length <= 300 ? s : s.Substring(0, 300) + "...";
        }

        /// <summary>The entries for a completed call: usage and tool calls of a model turn, the result of a tool.</summary>
        public static IEnumerable<LogEntry> Completed(object call, Temporalio.Api.Common.V1.Payload? result,
            Func<Temporalio.Api.Common.V1.Payload?, ModelTurnOutput?> decodeModel, Func<Temporalio.Api.Common.V1.Payload?, ToolCallOutput?> decodeTool)
        {
            if (call is ModelTurnInput m)
            {
                var output = decodeModel(result);
                if (output == null) yield break;
                var u = output.Result.Usage;
                var cost = u.CostUsd is { } c ? $", ${c.ToString("0.######", CultureInfo.InvariantCulture)}" : "";
                yield return new LogEntry
                {
                    Kind = LogEntryKind.Usage,
                    Step = LlmActivities.ModelStep,
                    Attempt = m.Turn,
                    Worker = output.Worker,
                    Text = $"Turn {m.Turn}: {m.Request.Model} used {u.InputTokens} input + {u.OutputTokens} output tokens{cost}",
                };
            }
            else if (call is ToolCallInput t)
            {
                var output = decodeTool(result);
                if (output == null) yield break;
                var r = output.Result;
                var text = (r.Output ?? "").TrimEnd();
                if (text.Length > ResultPreview) text = text.Substring(0, ResultPreview) + " ...";
                var took = TimeSpan.FromMilliseconds(output.DurationMs).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                yield return new LogEntry
                {
                    Kind = LogEntryKind.ToolResult,
                    Step = "tool:" + t.Request.Tool,
                    Attempt = t.Turn,
                    Worker = output.Worker,
                    Text = $"Tool {t.Request.Tool} {(r.IsError ? "failed" : "returned")} in {took}s: {text}",
                };
            }
        }
    }
}
