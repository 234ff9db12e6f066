using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Protobuf;
using Temporalio.Api.Schedule.V1;

namespace Kubiya.Server.Engine.Schedules;

/// <summary>
/// The persisted state of one schedule: its definition (with the spec in canonical form), the
/// counters Describe reports, the high-water mark of processed fire times, the buffered starts
/// waiting on the overlap policy, and the workflows it has running. Serialized as JSON.
/// </summary>
public sealed class ScheduleRecord
{
    private static readonly JsonSerializerOptions Json = new();

    public string Namespace { get; set; } = "";
    public string ScheduleId { get; set; } = "";
    /// <summary>temporal.api.schedule.v1.Schedule bytes.</summary>
    public byte[] Definition { get; set; } = Array.Empty<byte>();
    public byte[]? Memo { get; set; }
    public byte[]? SearchAttributes { get; set; }
    public long ConflictToken { get; set; } = 1;
    public string CreateRequestId { get; set; } = "";
    public long CreateTimeMs { get; set; }
    public long UpdateTimeMs { get; set; }
    /// <summary>Every nominal fire time up to this one has been handled (taken, skipped or missed).</summary>
    public long ProcessedThroughMs { get; set; }
    public long ActionCount { get; set; }
    public long MissedCatchupWindow { get; set; }
    public long OverlapSkipped { get; set; }
    public long BufferDropped { get; set; }
    public List<BufferedStart> Buffer { get; set; } = new();
    public List<RunningWorkflow> Running { get; set; } = new();
    public List<RecentAction> Recent { get; set; } = new();

    [JsonIgnore] private Schedule? schedule;
    [JsonIgnore] private CompiledSpec? compiled;

    /// <summary>The definition, parsed once per record.</summary>
    [JsonIgnore]
    public Schedule Schedule
    {
        get => schedule ??= Schedule.Parser.ParseFrom(Definition);
        set { schedule = value; compiled = null; Definition = value.ToByteArray(); }
    }

    /// <summary>The spec compiled (the stored spec is already canonical and valid).</summary>
    [JsonIgnore]
    internal CompiledSpec Spec => compiled ??= CompiledSpec.Compile(Schedule.Spec);

    /// <summary>Seed for deterministic jitter.</summary>
    [JsonIgnore] public string JitterSeed => Namespace + "/" + ScheduleId;

    public byte[] ToBytes()
    {
        if (schedule != null) Definition = schedule.ToByteArray();
        return JsonSerializer.SerializeToUtf8Bytes(this, Json);
    }

    public static ScheduleRecord FromBytes(byte[] data) => JsonSerializer.Deserialize<ScheduleRecord>(data, Json)!;

    /// <summary>A deep copy to mutate within one transition (the original stays valid if it rolls back).</summary>
    public ScheduleRecord Copy() => FromBytes(ToBytes());
}

/// <summary>A start waiting for its overlap policy to allow it.</summary>
public sealed class BufferedStart
{
    public long NominalMs { get; set; }
    public long ActualMs { get; set; }
    /// <summary>temporal.api.enums.v1.ScheduleOverlapPolicy; 0 means the schedule's policy.</summary>
    public int Overlap { get; set; }
    /// <summary>Trigger or backfill: taken even when paused or out of remaining actions.</summary>
    public bool Manual { get; set; }
}

/// <summary>A workflow started by the schedule that has not closed yet.</summary>
public sealed class RunningWorkflow
{
    public string WorkflowId { get; set; } = "";
    public string RunId { get; set; } = "";
    public bool CancelRequested { get; set; }
}

/// <summary>One action taken, with the status of the workflow it started once known.</summary>
public sealed class RecentAction
{
    public long ScheduleTimeMs { get; set; }
    public long ActualTimeMs { get; set; }
    public long StartedAtMs { get; set; }
    public string WorkflowId { get; set; } = "";
    public string RunId { get; set; } = "";
    public int Status { get; set; } = 1;
}
