using System.Threading;

namespace Kubiya.Core.Connection
{
    /// <summary>
    /// The one-time work a process pays before its first Temporal connection sends a byte: the
    /// SDK's default data converter (protobuf JSON, whose parser compiles regular expressions,
    /// and System.Text.Json). Started on a pool thread when a front starts, it overlaps what the
    /// front does first (parsing its command line, starting the embedded server).
    /// </summary>
    public static class ConnectionWarmup
    {
        private static int started;

        /// <summary>Starts the warm-up once; never throws (a real failure shows on the connection itself).</summary>
        public static void Start()
        {
            if (Interlocked.Exchange(ref started, 1) == 1) return;
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
