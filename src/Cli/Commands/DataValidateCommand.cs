using System.CommandLine;
using Mlops.Pipeline.Data;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Profiling;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops data validate</c>: a data set against its contract; exit 0 passed, 1 failed, 2 bad arguments or contract.</summary>
public static class DataValidateCommand
{
    public static Command Create()
    {
        var contractOption = new Option<FileInfo>("--contract") { Description = "The data contract (JSON).", Required = true };
        var dataOption = new Option<string>("--data") { Description = "A data file, a folder, or a path prefix (every matching file, in name order).", Required = true };
        var referenceOption = new Option<FileInfo?>("--reference") { Description = "A reference profile: the categories of columns whose categories are \"learned\"." };
        var reportOption = new Option<FileInfo?>("--report") { Description = "Write the JSON report here (otherwise it goes to standard output)." };
        var command = new Command("validate", "Validate a data set against its data contract (exit 0 passed, 1 failed, 2 bad arguments or contract).")
        {
            contractOption, dataOption, referenceOption, reportOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var contract = await DataCommandInputs.LoadContractAsync(parse.GetRequiredValue(contractOption), cancellationToken);
            var reference = parse.GetValue(referenceOption) is { } referencePath ? await DataCommandInputs.LoadProfileAsync(referencePath, cancellationToken) : null;
            var data = DataCommandInputs.OpenDataSet(parse.GetRequiredValue(dataOption));

            var report = await DataInspector.ValidateAsync(data, contract, reference, cancellationToken: cancellationToken);

            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(reportOption) is { } reportFile)
            {
                await File.WriteAllTextAsync(reportFile.FullName, report.ToJson() + "\n", cancellationToken);
                foreach (var failure in report.Failures)
                {
                    await output.WriteLineAsync($"FAILED {failure.Rule}{(failure.Column is null ? "" : $" [{failure.Column}]")}: {failure.Message} (observed {failure.Observed?.ToJsonString() ?? "-"}, limit {failure.Limit?.ToJsonString() ?? "-"})");
                }

                await output.WriteLineAsync($"{(report.Passed ? "passed" : "failed")}: {report.Checks.Count(c => c.Passed)} of {report.Checks.Count} checks passed; report in {reportFile.FullName}");
            }
            else
            {
                await output.WriteLineAsync(report.ToJson());
            }

            return report.Passed ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}

/// <summary>Loading the inputs of the data commands: anything wrong with them is a usage error (exit 2), named.</summary>
internal static class DataCommandInputs
{
    public static async Task<DataContract> LoadContractAsync(FileInfo path, CancellationToken cancellationToken)
    {
        try
        {
            return await DataContractParser.LoadAsync(path.FullName, cancellationToken);
        }
        catch (DataContractException ex)
        {
            throw new UsageException($"contract {path.Name}: {ex.Message}");
        }
    }

    public static async Task<DataProfile> LoadProfileAsync(FileInfo path, CancellationToken cancellationToken)
    {
        try
        {
            var profile = await DataProfile.LoadAsync(path.FullName, cancellationToken);
            profile.ParseContract();
            return profile;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or DataContractException)
        {
            throw new UsageException($"profile {path.Name}: {ex.Message}");
        }
    }

    public static DataSet OpenDataSet(string path)
    {
        try
        {
            return DataSet.FromPath(path);
        }
        catch (FileNotFoundException ex)
        {
            throw new UsageException(ex.Message);
        }
    }
}
