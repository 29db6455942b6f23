using System.CommandLine;
using Mlops.Pipeline.Data.Drift;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops data drift</c>: current data against a reference profile; exit 0 no drift, 1 drift, 2 bad arguments.</summary>
public static class DataDriftCommand
{
    public static Command Create()
    {
        var referenceOption = new Option<FileInfo>("--reference") { Description = "The reference profile (from 'mlops data profile'); its contract reads the data.", Required = true };
        var dataOption = new Option<string>("--data") { Description = "A data file, a folder, or a path prefix (every matching file, in name order).", Required = true };
        var reportOption = new Option<FileInfo?>("--report") { Description = "Write the JSON report here (otherwise it goes to standard output)." };
        var defaults = new DriftThresholds();
        var moderateOption = new Option<double>("--psi-moderate") { Description = "PSI from which a feature has drifted.", DefaultValueFactory = _ => defaults.PsiModerate };
        var majorOption = new Option<double>("--psi-major") { Description = "PSI from which a feature's drift is major.", DefaultValueFactory = _ => defaults.PsiMajor };
        var shareOption = new Option<double>("--drifted-share") { Description = "Share of drifted features from which the data set has drifted.", DefaultValueFactory = _ => defaults.DriftedFeatureShare };
        var command = new Command("drift", "Compare a data set with a reference profile: PSI, Jensen-Shannon, Kolmogorov-Smirnov (exit 0 no drift, 1 drift).")
        {
            referenceOption, dataOption, reportOption, moderateOption, majorOption, shareOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var thresholds = new DriftThresholds
            {
                PsiModerate = parse.GetValue(moderateOption),
                PsiMajor = parse.GetValue(majorOption),
                DriftedFeatureShare = parse.GetValue(shareOption),
            };
            try
            {
                thresholds.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message);
            }

            var reference = await DataCommandInputs.LoadProfileAsync(parse.GetRequiredValue(referenceOption), cancellationToken);
            var data = DataCommandInputs.OpenDataSet(parse.GetRequiredValue(dataOption));

            var report = await DriftDetector.DetectAsync(reference, data, thresholds, cancellationToken);

            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(reportOption) is { } reportFile)
            {
                await File.WriteAllTextAsync(reportFile.FullName, report.ToJson() + "\n", cancellationToken);
                foreach (var feature in report.Features)
                {
                    await output.WriteLineAsync($"{feature.Column,-20} PSI {feature.Psi,8:F4}  JS {feature.JensenShannon,6:F4}  {feature.Verdict}");
                }

                await output.WriteLineAsync($"{(report.Drifted ? "drift" : "no drift")}: {report.DriftedFeatureShare:P0} of features drifted; report in {reportFile.FullName}");
            }
            else
            {
                await output.WriteLineAsync(report.ToJson());
            }

            return report.Drifted ? ExitCodes.Failed : ExitCodes.Success;
        });
        return command;
    }
}
