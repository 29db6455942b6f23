using Mlops.Infra.Tests.Support;

namespace Mlops.Infra.Tests;

/// <summary>Every .bicep file under infra/ compiles and lints with no diagnostic at all.</summary>
public sealed class BicepCompilationTests
{
    public static TheoryData<string> BicepFiles() => new(Repository.BicepFiles().Select(Repository.Relative));

    [Fact]
    public void The_infra_folder_has_the_main_template_and_its_modules()
    {
        var files = Repository.BicepFiles().Select(Repository.Relative).ToList();

        Assert.Contains("infra/bicep/main.bicep", files);
        Assert.Contains(files, f => f.StartsWith("infra/bicep/modules/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Bicep_file_builds_without_warnings(string file)
    {
        var result = await BicepCli.RunAsync(
            ["build", Path.Combine(Repository.Root, file), "--stdout"], TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, $"bicep build {file} exited {result.ExitCode}:\n{result.StandardError}");
        Assert.Equal("", result.StandardError.Trim());
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Bicep_file_passes_lint_without_warnings(string file)
    {
        // `bicep lint` exits 0 on warnings: any output at all is a finding.
        var result = await BicepCli.RunAsync(["lint", Path.Combine(Repository.Root, file)], TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, $"bicep lint {file} exited {result.ExitCode}:\n{result.Output}");
        Assert.Equal("", result.Output);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Bicep_file_uses_local_modules_only(string file)
    {
        // Registry modules (br:, br/public:, ts:) cannot be restored on the project's machines.
        var text = File.ReadAllText(Path.Combine(Repository.Root, file));

        Assert.DoesNotMatch(@"module\s+\w+\s+'(br|ts)[:/]", text);
    }
}
