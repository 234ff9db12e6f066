using Kubiya.Cli.Commands;

// Most commands connect to Temporal: start its one-time costs beside parsing.
Kubiya.Core.Connection.ConnectionWarmup.Start();
return await KubiyaCommand.RunAsync(args);
