using System.Diagnostics;

namespace Mlops.Infra.Tests.Support;

/// <summary>
/// The bicep binary of the NuGet package Azure.Bicep.CommandLine.linux-x64, which `dotnet restore` of this
/// project downloads (PackageDownload in the csproj).
/// </summary>
internal static class BicepCli
{
    public const string PackageId = "azure.bicep.commandline.linux-x64";
    public const string PackageVersion = "0.49.2";

    public static string Path { get; } = Locate();

    public static async Task<BicepResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.BicepFolder,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // No telemetry, no update checks: CI machines reach only the package registries.
        startInfo.Environment["BICEP_TELEMETRY_ENABLED"] = "false";

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {Path}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new BicepResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Locate()
    {
        var packagesRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packagesRoot))
        {
            packagesRoot = System.IO.Path.Combine(
                Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var path = System.IO.Path.Combine(packagesRoot, PackageId, PackageVersion, "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The bicep binary is not at {path}: run `dotnet restore tests/Infra.Tests` to download {PackageId} {PackageVersion}.",
                path);
        }

        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & UnixFileMode.UserExecute) == 0)
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return path;
    }
}

internal sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => (StandardOutput + StandardError).Trim();
}
