using System.Text.Json.Serialization;
using Kubiya.Server.Engine.Deployments;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Workflow.V1;

namespace Kubiya.Server.Engine;

/// <summary>
/// Worker versioning state of one run (null on runs that never met a versioned worker or an
/// override): the behaviour and version reported by the worker that completed the last workflow
/// task, the user's override, and how the first task of a continued run is routed.
/// </summary>
public sealed class VersioningState
{
    /// <summary>temporal.api.enums.v1.VersioningBehavior reported (or inherited from a pinned parent / previous run).</summary>
    public int Behavior { get; set; }
    public string? DeploymentName { get; set; }
    public string? BuildId { get; set; }
    /// <summary>The temporal.api.workflow.v1.VersioningOverride, when the user set one.</summary>
    public byte[]? Override { get; set; }
    /// <summary>ContinueAsNewVersioningBehavior for the first task of a continued run (cleared once a task completes).</summary>
    public int InitialBehavior { get; set; }
    /// <summary>Grows each time the run moves to another version.</summary>
    public long Revision { get; set; }

    private VersioningOverride? parsed;
    private byte[]? parsedFrom;

    /// <summary>The override, decoded once.</summary>
    [JsonIgnore]
    public VersioningOverride? OverrideProto
    {
        get
        {
            if (Override == null) return null;
            if (!ReferenceEquals(parsedFrom, Override)) { parsed = VersioningOverride.Parser.ParseFrom(Override); parsedFrom = Override; }
            return parsed;
        }
    }

    /// <summary>The version key of the worker that completed the last task ("" when none / unversioned).</summary>
    [JsonIgnore]
    public string VersionKey => DeploymentName is { Length: > 0 } d && BuildId is { Length: > 0 } b ? VersionKeys.Of(d, b) : "";

    /// <summary>
    /// The version the run's tasks must go to, or null when the task queue's routing decides
    /// (auto-upgrade and unversioned runs). <see cref="VersionKeys.RampingMarker"/>: the ramping version.
    /// </summary>
    [JsonIgnore]
    public string? Pin
    {
        get
        {
            if (OverrideProto is { } o)
            {
                switch (o.OverrideCase)
                {
                    case VersioningOverride.OverrideOneofCase.Pinned when o.Pinned.Version != null:
                        return VersionKeys.Of(o.Pinned.Version);
                    case VersioningOverride.OverrideOneofCase.OneTime when o.OneTime.TargetDeploymentVersion != null:
                        return VersionKeys.Of(o.OneTime.TargetDeploymentVersion);
                    case VersioningOverride.OverrideOneofCase.AutoUpgrade when o.AutoUpgrade:
                        return null;
                }
                if (o.Behavior == VersioningBehavior.AutoUpgrade) return null;
                if (o.Behavior == VersioningBehavior.Pinned && !string.IsNullOrEmpty(o.PinnedVersion)) return o.PinnedVersion;
            }
            if (InitialBehavior == (int)ContinueAsNewVersioningBehavior.AutoUpgrade) return null;
            if (InitialBehavior == (int)ContinueAsNewVersioningBehavior.UseRampingVersion) return VersionKeys.RampingMarker;
            return Behavior == (int)VersioningBehavior.Pinned && VersionKey.Length > 0 ? VersionKey : null;
        }
    }

    /// <summary>The behaviour in effect: the override's when there is one, else the reported one.</summary>
    [JsonIgnore]
    public VersioningBehavior EffectiveBehavior => OverrideProto switch
    {
        { OverrideCase: VersioningOverride.OverrideOneofCase.Pinned } => VersioningBehavior.Pinned,
        { OverrideCase: VersioningOverride.OverrideOneofCase.AutoUpgrade, AutoUpgrade: true } => VersioningBehavior.AutoUpgrade,
        { Behavior: not VersioningBehavior.Unspecified } o => o.Behavior,
        _ => (VersioningBehavior)Behavior,
    };

    /// <summary>Whether the run has a pinned override (inherited by continue-as-new, children and retries).</summary>
    [JsonIgnore]
    public bool HasPinnedOverride => OverrideProto is { } o &&
        (o.OverrideCase == VersioningOverride.OverrideOneofCase.Pinned || (o.OverrideCase == VersioningOverride.OverrideOneofCase.None && o.Behavior == VersioningBehavior.Pinned));
}
