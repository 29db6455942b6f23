using System.CommandLine;
using Mlops.Cli.Demo;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops demo</c>: the lifecycle as far as it is built, locally, on real components.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var workOption = new Option<DirectoryInfo?>("--work") { Description = "Folder for data sets and candidate packages (default: a new temporary folder)." };
        var command = new Command("demo", "Run the model lifecycle locally: data, validation, training, gates, registry, scoring, drift, retraining.")
        {
            workOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var work = parse.GetValue(workOption)?.FullName ?? Directory.CreateTempSubdirectory("mlops-demo-").FullName;
            if (Directory.Exists(work) && Directory.EnumerateFileSystemEntries(work).Any())
            {
                throw new UsageException($"--work '{work}' is not empty; give a new or empty folder.");
            }

            Directory.CreateDirectory(work);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"mlops demo; files in {work}");
            await new LocalLifecycleDemo(output, work).RunAsync(cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }
}
