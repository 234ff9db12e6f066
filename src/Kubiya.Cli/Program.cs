using Kubiya.Cli.Commands;

return await KubiyaCommand.RunAsync(args);
