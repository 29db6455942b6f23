using System.CommandLine;
using Mlops.Pipeline.Data;
using Mlops.Pipeline.Data.Profiling;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops data profile</c>: a reference profile (quantile bins, category counts, label rate) of a data set.</summary>
public static class DataProfileCommand
{
    public static Command Create()
    {
        var contractOption = new Option<FileInfo>("--contract") { Description = "The data contract (JSON).", Required = true };
        var dataOption = new Option<string>("--data") { Description = "A data file, a folder, or a path prefix (every matching file, in name order).", Required = true };
        var outOption = new Option<FileInfo>("--out") { Description = "Where to write the profile (JSON).", Required = true };
        var binsOption = new Option<int>("--bins") { Description = "Quantile bins per numeric feature.", DefaultValueFactory = _ => 10 };
        binsOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 2)
            {
                r.AddError("--bins must be at least 2.");
            }
        });
        var command = new Command("profile", "Profile a data set: the reference that drift is measured against.")
        {
            contractOption, dataOption, outOption, binsOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var contract = await DataCommandInputs.LoadContractAsync(parse.GetRequiredValue(contractOption), cancellationToken);
            var data = DataCommandInputs.OpenDataSet(parse.GetRequiredValue(dataOption));

            var profile = await DataInspector.ProfileAsync(data, contract, new ProfileOptions { Bins = parse.GetValue(binsOption) }, cancellationToken);

            var outFile = parse.GetRequiredValue(outOption);
            await File.WriteAllTextAsync(outFile.FullName, profile.ToJson() + "\n", cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"{profile.Rows:N0} rows ({profile.UsableRows:N0} usable){(profile.Label?.Rate is { } rate ? $", label rate {rate:P1}" : "")}; profile in {outFile.FullName}");
            return ExitCodes.Success;
        });
        return command;
    }
}
