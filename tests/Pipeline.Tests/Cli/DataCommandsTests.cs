using Mlops.Cli;
using Mlops.Pipeline.Data.Drift;
using Mlops.Pipeline.Data.Profiling;
using Mlops.Pipeline.Data.Validation;
using Mlops.Pipeline.Tests.Support;
using Mlops.TestSupport;

namespace Mlops.Pipeline.Tests.Cli;

public sealed class DataCommandsTests(SampleDataFixture samples) : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string FlightsContract => RepositoryFiles.PathOf("samples/flights/contract.json");


    [Fact]
    public async Task Validate_exits_0_and_writes_the_report_when_the_data_passes()
    {
        var reportPath = Path.Combine(_files.Directory, "report.json");

        var (exitCode, output, _) = await MlopsCli.RunAsync("data", "validate", "--contract", FlightsContract, "--data", samples.PathOf("2001-01"), "--report", reportPath);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.True(ValidationReport.FromJson(await File.ReadAllTextAsync(reportPath, TestContext.Current.CancellationToken)).Passed);
        Assert.Contains("passed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_exits_1_and_names_the_failed_rule_when_the_data_fails()
    {
        var data = _files.Write("bad.csv", "date,delay,distance,origin,destination,delayed\n2001-01-01 00:47,abc,1750,DTW,LAS,true\n");

        var (exitCode, output, _) = await MlopsCli.RunAsync("data", "validate", "--contract", FlightsContract, "--data", data);

        Assert.Equal(ExitCodes.Failed, exitCode);
        var report = ValidationReport.FromJson(output);
        Assert.False(report.Find("column.type", "delay")!.Passed);
    }

    [Fact]
    public async Task Validate_exits_2_and_names_the_key_of_a_bad_contract_before_reading_data()
    {
        var contract = _files.Write("contract.json", """{ "columns": [ { "name": "x", "type": "number", "maxNulls": 1 } ] }""");

        var (exitCode, _, error) = await MlopsCli.RunAsync("data", "validate", "--contract", contract, "--data", "/no/such/data.csv");

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains("columns[0].maxNulls", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_exits_2_when_there_is_no_data_at_the_path()
    {
        var (exitCode, _, error) = await MlopsCli.RunAsync("data", "validate", "--contract", FlightsContract, "--data", Path.Combine(_files.Directory, "none-"));

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains("No data file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_then_drift_of_a_later_month_exits_0()
    {
        var profilePath = Path.Combine(_files.Directory, "profile.json");
        var reportPath = Path.Combine(_files.Directory, "drift.json");

        var profiled = await MlopsCli.RunAsync("data", "profile", "--contract", FlightsContract, "--data", samples.PathOf("2001-01"), "--out", profilePath);
        var (exitCode, output, _) = await MlopsCli.RunAsync("data", "drift", "--reference", profilePath, "--data", samples.PathOf("2001-02"), "--report", reportPath);

        Assert.Equal(ExitCodes.Success, profiled.ExitCode);
        Assert.Equal(6937, DataProfile.FromJson(await File.ReadAllTextAsync(profilePath, TestContext.Current.CancellationToken)).Rows);
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("no drift", output, StringComparison.Ordinal);
        Assert.True(File.Exists(reportPath));
    }

    [Fact]
    public async Task Drift_exits_1_when_the_feature_mix_shifts()
    {
        var profilePath = Path.Combine(_files.Directory, "profile.json");
        await MlopsCli.RunAsync("data", "profile", "--contract", FlightsContract, "--data", samples.PathOf("2001-01"), "--out", profilePath);
        // A drift scenario on purpose: only long-haul flights out of one airport.
        var shifted = _files.Write("shifted.csv", "date,delay,distance,origin,destination,delayed\n"
            + string.Concat(Enumerable.Range(0, 500).Select(i => $"2001-04-01 10:{i % 60:00},{i % 40},{2500 + i},JFK,{(i % 2 == 0 ? "LAX" : "SFO")},{(i % 40 > 15 ? "true" : "false")}\n")));

        var (exitCode, output, _) = await MlopsCli.RunAsync("data", "drift", "--reference", profilePath, "--data", shifted);

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.All(System.Text.Json.JsonSerializer.Deserialize<DriftReport>(output, Mlops.Pipeline.Data.PipelineJson.Options)!.Features, f => Assert.Equal(DriftVerdict.Major, f.Verdict));
    }

    [Fact]
    public async Task Drift_exits_2_for_a_file_that_is_not_a_profile()
    {
        var notAProfile = _files.Write("profile.json", "{ \"rows\": 3 }");

        var (exitCode, _, error) = await MlopsCli.RunAsync("data", "drift", "--reference", notAProfile, "--data", samples.PathOf("2001-02"));

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains("profile.json", error, StringComparison.Ordinal);
    }
}
