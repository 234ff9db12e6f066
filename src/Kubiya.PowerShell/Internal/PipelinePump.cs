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

        /// <summary>Starts <paramref name="work"/> on the thread pool and pumps posted callbacks until it ends.</summary>
        public T Run<T>(Func<Task<T>> work)
        {
            var task = Task.Run(work);
            task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            foreach (var action in queue.GetConsumingEnumerable()) action();
            return task.GetAwaiter().GetResult();
        }
    }
}
