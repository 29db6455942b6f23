using System.CommandLine;
using Mlops.Cli.Commands;
using Mlops.Local.Toolchain;

namespace Mlops.Cli;

/// <summary>The <c>mlops</c> command tree, and the exit-code contract pipelines rely on.</summary>
public static class MlopsCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("mlops: train, register and safely roll out ML.NET models on Azure, or run it all locally.");
        root.Add(DataCommand.Create());
        root.Add(AzuriteCommand.Create());
        root.Add(ModelsCommand.Create());
        root.Add(TrainCommand.Create());
        root.Add(DemoCommand.Create());
        return root;
    }

    /// <summary>Parses and runs; 2 for bad arguments, otherwise what the command returns.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var parseResult = Create().Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            // Our own handler below maps exceptions to exit codes and one-line messages.
            EnableDefaultExceptionHandler = false,
        };
        if (parseResult.Errors.Count > 0 && parseResult.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await configuration.Error.WriteLineAsync(parseError.Message);
            }

            await configuration.Error.WriteLineAsync("Run 'mlops --help' (or the command with --help) for usage.");
            return ExitCodes.BadArguments;
        }

        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (ToolchainException ex)
        {
            await configuration.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (UsageException ex)
        {
            await configuration.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadArguments;
        }
    }
}

/// <summary>Exit codes every command keeps, so Azure DevOps and GitHub steps can branch on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and the answer is "no": a failed check, gate or run.</summary>
    public const int Failed = 1;

    /// <summary>The command could not run: bad arguments or bad input files.</summary>
    public const int BadArguments = 2;
}

/// <summary>An argument value that parsed but makes no sense; reported with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
