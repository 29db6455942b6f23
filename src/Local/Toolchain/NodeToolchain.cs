using System.Security.Cryptography;

namespace Mlops.Local.Toolchain;

/// <summary>
/// Installs the pinned npm packages (package-lock.json) on first use with <c>npm ci</c>, once per lock-file
/// content, and safely when several processes (parallel test assemblies) ask at the same time.
/// </summary>
/// <param name="directory">Where package.json and package-lock.json are.</param>
/// <param name="npm">The npm program; another name only in tests of the missing-npm message.</param>
public sealed class NodeToolchain(ToolchainDirectory directory, string npm = "npm")
{
    private const string StampFile = ".mlops-installed";

    public ToolchainDirectory Directory { get; } = directory;

    /// <summary>Runs <c>npm ci</c> unless node_modules already holds exactly what package-lock.json pins.</summary>
    public async Task EnsureInstalledAsync(CancellationToken cancellationToken = default)
    {
        var lockHash = await HashLockFileAsync(cancellationToken);
        if (IsInstalled(lockHash))
        {
            return;
        }

        // Another process may be installing right now: wait for its lock, then look again.
        await using var installLock = await AcquireInstallLockAsync(cancellationToken);
        if (IsInstalled(lockHash))
        {
            return;
        }

        await CheckNodeAsync(cancellationToken);
        var result = await ProcessRunner.RunAsync(
            npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], Directory.Root, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new ToolchainException(
                $"'npm ci' failed in {Directory.Root} (exit code {result.ExitCode}):{Environment.NewLine}{Tail(result.StandardError)}" +
                $"{Environment.NewLine}Check that the npm registry is reachable (npm config get registry) and that " +
                "package-lock.json is committed unchanged, then run the command again.");
        }

        await File.WriteAllTextAsync(Path.Combine(Directory.NodeModules, StampFile), lockHash, cancellationToken);
    }

    /// <summary>Checks that Node.js 20 or later is on PATH.</summary>
    public static async Task CheckNodeAsync(CancellationToken cancellationToken = default)
    {
        var node = await ProcessRunner.RunAsync("node", ["--version"], Environment.CurrentDirectory, cancellationToken);
        var version = node.StandardOutput.Trim().TrimStart('v');
        if (node.ExitCode != 0 || !int.TryParse(version.Split('.')[0], out var major))
        {
            throw new ToolchainException(ProcessRunner.MissingProgramMessage("node"));
        }

        if (major < 20)
        {
            throw new ToolchainException($"Node.js {version} is too old: the local toolchain (Azurite) needs Node.js 20 or later.");
        }
    }

    private bool IsInstalled(string lockHash)
    {
        var stamp = Path.Combine(Directory.NodeModules, StampFile);
        return File.Exists(stamp) && File.ReadAllText(stamp) == lockHash;
    }

    private async Task<string> HashLockFileAsync(CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(Directory.PackageLock);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private async Task<FileStream> AcquireInstallLockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory.Root, ".toolchain.lock");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Held by a concurrent installer; npm ci takes seconds to a minute. Poll the lock, not the result.
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    private static string Tail(string text, int lines = 20) =>
        string.Join(Environment.NewLine, text.Split('\n').TakeLast(lines));
}
