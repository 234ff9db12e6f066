namespace Kubiya.Server.Engine;

/// <summary>Wall-clock helpers in Unix milliseconds, the unit the engine stores.</summary>
public static class Clock
{
    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static Google.Protobuf.WellKnownTypes.Timestamp Ts(long ms) =>
        Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(ms));

    public static long Ms(Google.Protobuf.WellKnownTypes.Duration? d) =>
        d == null ? 0 : (long)d.ToTimeSpan().TotalMilliseconds;

    public static Google.Protobuf.WellKnownTypes.Duration Dur(long ms) =>
        Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(ms));
}
