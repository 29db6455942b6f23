using System.CommandLine;
using Mlops.Local.Samples;
using Mlops.Local.Toolchain;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops data samples</c>: one CSV data set per month from the vega-datasets flights.</summary>
public static class DataSamplesCommand
{
    public static Command Create()
    {
        var outOption = new Option<DirectoryInfo>("--out") { Description = "Folder to write flights-yyyy-MM.csv into.", Required = true };
        var rowsOption = new Option<int?>("--rows") { Description = "At most this many rows per month: a seeded uniform sample, in source order." };
        rowsOption.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0)
            {
                r.AddError("--rows must be a positive number.");
            }
        });
        var sourceOption = new Option<string>("--source")
        {
            Description = "20k: flights-20k.json (January to March, quick); 3m: flights-3m.parquet (January to June, about 500k rows a month).",
            DefaultValueFactory = _ => "20k",
        };
        sourceOption.AcceptOnlyFromAmong("20k", "3m");
        var monthsOption = new Option<string[]>("--months")
        {
            Description = "Months as yyyy-MM (default 2001-01 2001-02 2001-03).",
            AllowMultipleArgumentsPerToken = true,
        };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the row sample.", DefaultValueFactory = _ => 2001 };

        var command = new Command("samples", "Write one CSV data set per month from the vega-datasets flights (label: delay over 15 minutes).")
        {
            outOption, rowsOption, sourceOption, monthsOption, seedOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var months = parse.GetValue(monthsOption) is { Length: > 0 } given
                ? given.SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray()
                : [.. FlightsSampleData.DefaultMonths];
            var kind = parse.GetValue(sourceOption) == "3m" ? FlightsSourceKind.Flights3m : FlightsSourceKind.Flights20k;
            var toolchain = new NodeToolchain(ToolchainDirectory.Locate());
            await toolchain.EnsureInstalledAsync(cancellationToken);

            IReadOnlyList<MonthlySample> samples;
            try
            {
                samples = await FlightsSampleData.WriteMonthlyCsvAsync(
                    FlightsSource.ReadAsync(FlightsSource.PathOf(toolchain.Directory, kind), cancellationToken),
                    parse.GetRequiredValue(outOption).FullName,
                    months,
                    parse.GetValue(rowsOption),
                    parse.GetValue(seedOption),
                    cancellationToken);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message);
            }

            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"{"month",-8} {"rows",9} {"of source",9} {"delayed",8}  file");
            foreach (var sample in samples)
            {
                await output.WriteLineAsync($"{sample.Month,-8} {sample.Rows,9:N0} {sample.SourceRows,9:N0} {sample.LabelRate,8:P1}  {sample.Path}");
            }

            return samples.Any(s => s.Rows == 0) ? ExitCodes.Failed : ExitCodes.Success;
        });
        return command;
    }
}
