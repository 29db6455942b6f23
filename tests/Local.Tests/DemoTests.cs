using Mlops.Cli;
using Mlops.Cli.Demo;

namespace Mlops.Local.Tests;

/// <summary>The README's main job runs end to end on real components and leaves the registry as it says.</summary>
public sealed class DemoTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("mlops-demo-test-");

    [Fact]
    public async Task The_demo_registers_two_versions_serves_the_champion_and_promotes_only_through_the_gate()
    {
        var output = new StringWriter();

        var outcome = await new LocalLifecycleDemo(output, _work.FullName).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal([1, 2], outcome.Versions);
        Assert.Equal(outcome.SecondPassedGate ? 2 : 1, outcome.ChampionVersion);
        Assert.Equal(5, outcome.ScoredRows);
        Assert.Contains("champion  auc", output.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_work.FullName, "candidate-2", "model.onnx")));
    }

    [Fact]
    public async Task The_demo_refuses_a_work_folder_that_is_not_empty()
    {
        File.WriteAllText(Path.Combine(_work.FullName, "keep.txt"), "mine");
        var error = new StringWriter();

        var exitCode = await MlopsCommand.RunAsync(["demo", "--work", _work.FullName], new StringWriter(), error, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains("not empty", error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _work.Delete(recursive: true);
}
