using Mlops.Local.Toolchain;

namespace Mlops.Local.Tests;

public sealed class NodeToolchainTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mlops-toolchain-");

    [Fact]
    public async Task A_missing_npm_is_named_with_the_fix()
    {
        var directory = CopyOfToolchain(packageJsonEdit: null);

        var error = await Assert.ThrowsAsync<ToolchainException>(
            () => new NodeToolchain(directory, npm: "npm-not-installed").EnsureInstalledAsync(TestContext.Current.CancellationToken));

        Assert.Contains("'npm-not-installed' was not found on PATH", error.Message, StringComparison.Ordinal);
        Assert.Contains("Node.js 20", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_npm_ci_reports_npm_error_and_leaves_no_install_stamp()
    {
        // A dependency that package-lock.json lacks: npm ci refuses before downloading anything.
        var directory = CopyOfToolchain(packageJsonEdit: json => json.Replace(
            "\"dependencies\": {", "\"dependencies\": {\n    \"is-number\": \"7.0.0\",", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<ToolchainException>(
            () => new NodeToolchain(directory).EnsureInstalledAsync(TestContext.Current.CancellationToken));

        Assert.Contains("'npm ci' failed", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory.NodeModules, ".mlops-installed")));
    }

    [Fact]
    public void Locate_refuses_a_configured_folder_without_the_project_package_json()
    {
        var error = Assert.Throws<ToolchainException>(() => ToolchainDirectory.Locate(configured: _folder.FullName));

        Assert.Contains(ToolchainDirectory.EnvironmentVariable, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private ToolchainDirectory CopyOfToolchain(Func<string, string>? packageJsonEdit)
    {
        var source = ToolchainDirectory.Locate();
        File.Copy(source.PackageLock, Path.Combine(_folder.FullName, "package-lock.json"));
        var packageJson = File.ReadAllText(source.PackageJson);
        File.WriteAllText(Path.Combine(_folder.FullName, "package.json"), packageJsonEdit?.Invoke(packageJson) ?? packageJson);
        return new ToolchainDirectory(_folder.FullName);
    }
}
