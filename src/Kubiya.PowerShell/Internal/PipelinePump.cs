using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;

namespace Kubiya.PowerShell.Internal
{
    /// <summary>
    /// Runs asynchronous runtime work off the pipeline thread while executing the callbacks it
    /// posts (WriteObject, WriteInformation, WriteProgress...) on the pipeline thread, where
    /// PowerShell requires them.
    /// </summary>
    internal sealed class PipelinePump
    {
        private readonly BlockingCollection<Action> queue = new BlockingCollection<Action>();

        /// <summary>Queues <paramref name="action"/> for the pipeline thread; dropped once the work ended.</summary>
        public void Post(Action action)
        {
            try
            {
                if (!queue.IsAddingCompleted) queue.Add(action);
            }
            catch (InvalidOperationException)
            {
                // Completed concurrently: the command is returning.
            }
        }

        /// <summary>How long the work may still run its clean-up after a callback failed.</summary>
        private static readonly TimeSpan CleanupGrace = TimeSpan.FromSeconds(30);

        /// <summary>
        /// Starts <paramref name="work"/> on the thread pool and pumps posted callbacks until it ends.
        /// A callback that throws (a Write* after Ctrl+C throws PipelineStoppedException) ends the
        /// callbacks, but the command still waits (up to <see cref="CleanupGrace"/>) for the work's
        /// own clean-up, such as cancelling a local run and stopping its worker, before it rethrows.
        /// </summary>
        public T Run<T>(Func<Task<T>> work)
        {
            var task = Task.Run(work);
            task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            Exception? failed = null;
            foreach (var action in queue.GetConsumingEnumerable())
            {
                try
                {
                    action();
                }
                catch (Exception ex)
                {
                    failed = ex;
                    break;
                }
            }
            if (failed != null)
            {
                // Bounded: work that waits for a callback (an answer to a question) would wait forever.
                try
                {
                    task.Wait(CleanupGrace);
                }
                catch (AggregateException)
                {
                    // Its outcome is moot once writing failed.
                }
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failed).Throw();
            }
            return task.GetAwaiter().GetResult();
        }
    }
}
