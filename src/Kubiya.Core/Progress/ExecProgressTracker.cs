using System;
using System.Collections.Generic;
using System.Globalization;
using Kubiya.Core.Executions;
using Kubiya.Core.Logs;

namespace Kubiya.Core.Progress
{
    /// <summary>
    /// Turns the log entries of a followed execution into progress: runbooks count their steps
    /// ("step n of m: NAME", with a percentage since the number of steps is known at submission),
    /// llm agents their turns ("turn n, TOOL"). Fronts show it (Write-Progress) while they wait.
    /// </summary>
    public sealed class ExecProgressTracker
    {
        private readonly List<string> seenSteps = new List<string>();
        private string activity = "";
        private int? totalSteps;
        private bool llm;
        private int turn;
        private string? current;

        /// <summary>The latest progress; null before <see cref="Start"/>.</summary>
        public ExecProgress? Current { get; private set; }

        /// <summary>Begins with the submitted execution (Pending, before any worker took it).</summary>
        public ExecProgress Start(ExecutionInfo submitted)
        {
            var who = submitted.Team != null ? "team " + submitted.Team : "agent " + (submitted.Agent ?? "?");
            activity = $"Execution {submitted.Id} ({who})";
            totalSteps = TotalOf(submitted.Progress);
            llm = totalSteps == null;
            return Publish($"waiting for a worker on queue '{submitted.Queue}'", 0);
        }

        /// <summary>The progress after <paramref name="entry"/>, or null when it changes nothing shown.</summary>
        public ExecProgress? OnEntry(LogEntry entry)
        {
            if (Current == null) return null;
            if (entry.IsFinal) return Finish(entry.Kind.ToString());
            switch (entry.Kind)
            {
                case LogEntryKind.Question:
                    if (entry.Step != null) EnterStep(entry.Step);
                    return Publish(Describe() + " - waiting for an answer", Percent());
                case LogEntryKind.Answer:
                    return Publish(Describe(), Percent());
                case LogEntryKind.StepStarted:
                case LogEntryKind.Checkpoint:
                    if (llm || entry.Step == null) return null;
                    return EnterStep(entry.Step) ? Publish(Describe(), Percent()) : null;
                case LogEntryKind.StepCompleted:
                    if (llm || entry.Step == null || totalSteps == null) return null;
                    // The step's own end moves the bar before the next one starts.
                    return Publish(Describe(), Percent(done: true));
                case LogEntryKind.ToolCall:
                    Turn(entry.Attempt);
                    current = entry.Step != null && entry.Step.StartsWith(ToolPrefix, StringComparison.Ordinal) ? entry.Step.Substring(ToolPrefix.Length) : entry.Step;
                    return Publish(Describe(), -1);
                case LogEntryKind.Message:
                case LogEntryKind.Usage:
                    if (!llm) return null;
                    var before = turn;
                    Turn(entry.Attempt);
                    if (turn == before && current == ModelWord) return null;
                    current = ModelWord;
                    return Publish(Describe(), -1);
                default:
                    return null;
            }
        }

        /// <summary>The closing record once the execution ended (<paramref name="status"/>: Completed, Failed...).</summary>
        public ExecProgress Finish(string status)
        {
            var p = Publish(status, Current?.PercentComplete ?? -1);
            p.Completed = true;
            if (status == "Completed" && totalSteps != null) p.PercentComplete = 100;
            return p;
        }

        private const string ToolPrefix = "tool:";
        private const string ModelWord = "model";

        private void Turn(int? attempt)
        {
            llm = true;
            if (attempt is int t && t > turn) turn = t;
            else if (turn == 0) turn = 1;
        }

        // A changes step runs its matched commands as NAME[1], NAME[2]...: they are one step.
        private static string TopLevel(string step)
        {
            var i = step.IndexOf('[');
            return i > 0 && step.EndsWith("]", StringComparison.Ordinal) ? step.Substring(0, i) : step;
        }

        private bool EnterStep(string step)
        {
            var name = TopLevel(step);
            var changed = current != name;
            if (!seenSteps.Contains(name)) seenSteps.Add(name);
            current = name;
            return changed;
        }

        private string Describe()
        {
            if (llm) return current == null ? $"turn {Math.Max(turn, 1)}" : $"turn {Math.Max(turn, 1)}, {current}";
            if (current == null) return "starting";
            var n = Math.Max(1, seenSteps.IndexOf(current) + 1);
            return totalSteps is int m
                ? $"step {Math.Min(n, m)} of {m}: {current}"
                : $"step {n}: {current}";
        }

        private int Percent(bool done = false)
        {
            if (totalSteps is not int m || m <= 0 || current == null) return -1;
            var finished = seenSteps.IndexOf(current) + (done ? 1 : 0);
            return Math.Max(0, Math.Min(100, finished * 100 / m));
        }

        private ExecProgress Publish(string status, int percent)
        {
            Current = new ExecProgress { Activity = activity, Status = status, PercentComplete = percent };
            return Current;
        }

        // ExecutionInfo.Progress is "done/total" for runbooks and teams, null for llm agents.
        private static int? TotalOf(string? progress)
        {
            if (progress == null) return null;
            var slash = progress.IndexOf('/');
            return slash > 0 && int.TryParse(progress.Substring(slash + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) ? m : (int?)null;
        }
    }
}
