using System.Text.Json.Nodes;
using Mlops.Cli;
using Mlops.Pipeline.Tests.Support;
using Mlops.TestSupport;

namespace Mlops.Pipeline.Tests.Cli;

public sealed class TrainCommandTests(SampleDataFixture samples) : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Contract => RepositoryFiles.PathOf("samples/flights/contract.json");

    private static string Spec => RepositoryFiles.PathOf("samples/flights/training.json");


    [Fact]
    public async Task Train_exits_0_and_prints_the_metrics_and_gate_table_when_the_gate_passes()
    {
        var (exitCode, output, _) = await MlopsCli.RunAsync("train", "--contract", Contract, "--spec", Spec, "--data", samples.PathOf("2001-01"), "--out", Path.Combine(_files.Directory, "candidate"));

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("auc", output, StringComparison.Ordinal);
        Assert.Contains("parity", output, StringComparison.Ordinal);
        Assert.Contains("gate passed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_exits_1_when_the_gate_fails()
    {
        var spec = JsonNode.Parse(await File.ReadAllTextAsync(Spec, TestContext.Current.CancellationToken))!;
        spec["gates"]!["absolute"]![0]!["min"] = 0.99;
        var specPath = _files.Write("strict.json", spec.ToJsonString());

        var (exitCode, output, _) = await MlopsCli.RunAsync("train", "--contract", Contract, "--spec", specPath, "--data", samples.PathOf("2001-01"), "--out", Path.Combine(_files.Directory, "candidate"));

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Contains("FAILED", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_exits_2_naming_the_key_of_a_bad_spec()
    {
        var specPath = _files.Write("bad.json", (await File.ReadAllTextAsync(Spec, TestContext.Current.CancellationToken)).Replace("\"LightGbm\"", "\"XgBoost\"", StringComparison.Ordinal));

        var (exitCode, _, error) = await MlopsCli.RunAsync("train", "--contract", Contract, "--spec", specPath, "--data", samples.PathOf("2001-01"), "--out", Path.Combine(_files.Directory, "candidate"));

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains("trainer.name", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_refuses_to_overwrite_an_existing_candidate()
    {
        var output = Path.Combine(_files.Directory, "candidate");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "model.onnx"), "keep me");

        var (exitCode, _, error) = await MlopsCli.RunAsync("train", "--contract", Contract, "--spec", Spec, "--data", samples.PathOf("2001-01"), "--out", output);

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains("never overwritten", error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(output, "model.onnx")));
    }
}
