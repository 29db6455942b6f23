using Mlops.Cli;

return await MlopsCommand.RunAsync(args);
