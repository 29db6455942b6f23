using System.CommandLine;
using Mlops.Local.Toolchain;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops azurite</c>: the local storage emulator in the foreground, data kept in a folder.</summary>
public static class AzuriteCommand
{
    public static Command Create()
    {
        var dataOption = new Option<DirectoryInfo>("--data")
        {
            Description = "Folder for Azurite's data (kept between runs).",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".mlops", "azurite")),
        };
        var blobPortOption = new Option<int>("--blob-port") { Description = "Blob port (0: any free port).", DefaultValueFactory = _ => 10000 };
        var queuePortOption = new Option<int>("--queue-port") { Description = "Queue port (0: any free port).", DefaultValueFactory = _ => 10001 };
        var tablePortOption = new Option<int>("--table-port") { Description = "Table port (0: any free port).", DefaultValueFactory = _ => 10002 };
        var command = new Command("azurite", "Run Azurite (Blob, Queue, Table) on 127.0.0.1 until Ctrl+C; prints the connection string.")
        {
            dataOption, blobPortOption, queuePortOption, tablePortOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var toolchain = new NodeToolchain(ToolchainDirectory.Locate());
            await using var azurite = await AzuriteServer.StartAsync(toolchain, new AzuriteOptions
            {
                DataDirectory = parse.GetRequiredValue(dataOption).FullName,
                BlobPort = parse.GetValue(blobPortOption),
                QueuePort = parse.GetValue(queuePortOption),
                TablePort = parse.GetValue(tablePortOption),
            }, cancellationToken);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"Azurite is running (pid {azurite.ProcessId}). Connection string:");
            await output.WriteLineAsync(azurite.ConnectionString);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await output.WriteLineAsync("Stopping Azurite.");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
