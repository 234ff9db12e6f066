using System.Threading;

namespace Kubiya.Core.Connection
{
    /// <summary>
    /// The one-time work a process pays before its first Temporal connection sends a byte: the
    /// SDK's default data converter (protobuf JSON, whose parser compiles regular expressions,
    /// and System.Text.Json) and, when the embedded server already runs, the connection itself
    /// (see <see cref="TemporalConnector.PrewarmAsync"/>). Started on pool threads when a front
    /// starts, it overlaps what the front does first (parsing its command line, starting the
    /// embedded server).
    /// </summary>
    public static class ConnectionWarmup
    {
        private static int started;

        /// <summary>
        /// Starts the warm-up once; never throws (a real failure shows on the connection itself).
        /// With <paramref name="connect"/> the embedded server's client is opened too when that
        /// server answers (a front whose commands mostly connect: the CLI).
        /// </summary>
        public static void Start(bool connect = false)
        {
            if (Interlocked.Exchange(ref started, 1) == 1) return;
            if (connect)
            {
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    try
                    {
                        _ = TemporalConnector.PrewarmAsync(Configuration.SettingsLoader.Load());
                    }
                    catch (System.Exception)
                    {
                        // Settings that do not load fail the command itself, in its own words.
                    }
                });
            }
            ThreadPool.QueueUserWorkItem(_ =>
            {
                try
                {
                    _ = Temporalio.Converters.DataConverter.Default;
                }
                catch (System.Exception)
                {
                    // Only a head start.
                }
            });
        }
    }
}
