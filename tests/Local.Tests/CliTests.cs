using Mlops.Cli;
using Mlops.Local.Samples;

namespace Mlops.Local.Tests;

public sealed class CliTests
{
    [Theory]
    [InlineData("data", "samples")]
    [InlineData("data", "samples", "--out", "x", "--rows", "0")]
    [InlineData("data", "samples", "--out", "x", "--source", "1m")]
    [InlineData("data", "samples", "--out", "x", "--months", "2001-13")]
    [InlineData("no-such-command")]
    public async Task Bad_arguments_exit_with_2_and_say_what_is_wrong(params string[] args)
    {
        var error = new StringWriter();

        var exitCode = await MlopsCommand.RunAsync(args, new StringWriter(), error, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.NotEqual("", error.ToString().Trim());
    }

    [Fact]
    public async Task Data_samples_writes_one_csv_per_month_and_prints_the_table()
    {
        var folder = Directory.CreateTempSubdirectory("mlops-cli-").FullName;
        var output = new StringWriter();

        var exitCode = await MlopsCommand.RunAsync(
            ["data", "samples", "--out", folder, "--rows", "100"], output, new StringWriter(), TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Success, exitCode);
        foreach (var month in FlightsSampleData.DefaultMonths)
        {
            Assert.Equal(101, File.ReadAllLines(Path.Combine(folder, FlightsSampleData.FileName(month))).Length);
            Assert.Contains(month, output.ToString(), StringComparison.Ordinal);
        }
    }
}
