using Kubiya.Cli.Commands;

// A command's first second runs several things at once (the connection, the data converter, a
// local worker's start beside its submission), partly blocking: with the pool's default of one
// thread per core they would queue behind each other.
ThreadPool.GetMinThreads(out var workers, out var io);
ThreadPool.SetMinThreads(Math.Max(workers, 8), io);
// Most commands connect to Temporal: start its one-time costs (and, when the embedded server
// already runs, the connection) beside parsing.
Kubiya.Core.Connection.ConnectionWarmup.Start(connect: true);
return await KubiyaCommand.RunAsync(args);
