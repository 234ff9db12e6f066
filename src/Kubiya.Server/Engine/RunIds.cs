namespace Kubiya.Server.Engine;

/// <summary>
/// New run ids: time-ordered UUIDs (version 7), whose text sorts by creation time. The tables
/// keyed by run id (executions, history) then receive the rows of runs started together in the
/// same few b-tree pages, so a commit of many concurrent transitions rewrites a handful of pages
/// instead of one page per run (random version 4 ids scatter them across the whole table).
/// </summary>
internal static class RunIds
{
    /// <summary>A new run id in the usual 8-4-4-4-12 text form.</summary>
    public static string New() => Guid.CreateVersion7().ToString();
}
