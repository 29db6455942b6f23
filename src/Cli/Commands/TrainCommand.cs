using System.CommandLine;
using Mlops.Pipeline.Training;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops train</c>: a candidate package from a data set; exit 0 gate passed, 1 gate failed, 2 bad arguments.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var contractOption = new Option<FileInfo>("--contract") { Description = "The data contract (JSON).", Required = true };
        var specOption = new Option<FileInfo>("--spec") { Description = "The training spec (JSON).", Required = true };
        var dataOption = new Option<string>("--data") { Description = "A data file, a folder, or a path prefix (every matching file, in name order).", Required = true };
        var outOption = new Option<DirectoryInfo>("--out") { Description = "Folder for the candidate package; must not exist or be empty.", Required = true };
        var championOption = new Option<DirectoryInfo?>("--champion") { Description = "The champion's package (model.zip, candidate.json): scored on the same holdout." };
        var command = new Command("train", "Train, evaluate, gate and package a candidate model (exit 0 gate passed, 1 gate failed, 2 bad arguments).")
        {
            contractOption, specOption, dataOption, outOption, championOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var contractFile = parse.GetRequiredValue(contractOption);
            var specFile = parse.GetRequiredValue(specOption);
            var contract = await DataCommandInputs.LoadContractAsync(contractFile, cancellationToken);
            var data = DataCommandInputs.OpenDataSet(parse.GetRequiredValue(dataOption));
            TrainingResult result;
            try
            {
                var specJson = await File.ReadAllTextAsync(specFile.FullName, cancellationToken);
                var spec = TrainingSpecParser.Parse(specJson, contract);
                var identity = await DataSetIdentity.ComputeAsync(data, new Uri(Path.GetFullPath(parse.GetRequiredValue(dataOption))).AbsoluteUri, cancellationToken: cancellationToken);
                result = await new ModelTrainer().TrainAsync(new TrainingRequest(
                    data, identity, contract, await File.ReadAllTextAsync(contractFile.FullName, cancellationToken), spec, specJson,
                    parse.GetRequiredValue(outOption).FullName, parse.GetValue(championOption)?.FullName), cancellationToken);
            }
            catch (TrainingSpecException ex)
            {
                throw new UsageException(ex.Message);
            }
            catch (IOException ex)
            {
                throw new UsageException(ex.Message);
            }

            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"trained on {result.TrainRows:N0} rows, evaluated on {result.HoldoutRows:N0} holdout rows{(result.HoldoutFrom is { } from ? $" (from {from:yyyy-MM-dd HH:mm})" : "")}");
            await output.WriteLineAsync($"{"metric",-18} {"candidate",10} {"champion",10}");
            foreach (var (metric, value) in result.Candidate.Metrics)
            {
                var champion = result.Champion?.Metrics[metric] is { } c ? c.ToString("F4") : "-";
                await output.WriteLineAsync($"{metric,-18} {value,10:F4} {champion,10}");
            }

            await output.WriteLineAsync();
            await output.WriteLineAsync($"{"gate",-9} {"metric",-22} {"candidate",10} {"champion",10} {"limit",12}  result");
            foreach (var check in result.Gate.Checks)
            {
                await output.WriteLineAsync(
                    $"{check.Kind,-9} {check.Metric,-22} {check.Candidate,10:G4} {(check.Champion is { } c ? c.ToString("F4") : "-"),10} {check.Comparison + " " + check.Limit.ToString("G4"),12}  {(check.Passed ? "passed" : "FAILED")}");
            }

            await output.WriteLineAsync($"{(result.Gate.Passed ? "gate passed" : "gate FAILED")}; candidate package in {result.PackageDirectory}");
            return result.Gate.Passed ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}
