namespace Mlops.Local.Toolchain;

/// <summary>
/// The folder holding the repository's package.json and package-lock.json: the pinned npm toolchain
/// (Azurite, vega-datasets) is installed into its node_modules.
/// </summary>
public sealed class ToolchainDirectory
{
    /// <summary>Overrides the search: the folder that holds the toolchain's package.json.</summary>
    public const string EnvironmentVariable = "MLOPS_TOOLCHAIN_DIR";

    private const string PackageName = "mlops-local-toolchain";

    public ToolchainDirectory(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string PackageJson => Path.Combine(Root, "package.json");

    public string PackageLock => Path.Combine(Root, "package-lock.json");

    public string NodeModules => Path.Combine(Root, "node_modules");

    /// <summary>A file inside an installed npm package, e.g. <c>PackageFile("vega-datasets", "data", "flights-20k.json")</c>.</summary>
    public string PackageFile(string package, params string[] parts) =>
        Path.Combine([NodeModules, package, .. parts]);

    /// <summary>
    /// Finds the toolchain folder: <see cref="EnvironmentVariable"/> if set, else the nearest ancestor of the
    /// running program or of the current directory whose package.json is this project's.
    /// </summary>
    public static ToolchainDirectory Locate() => Locate(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>As <see cref="Locate()"/>, with the configured folder given instead of read from the environment.</summary>
    public static ToolchainDirectory Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var dir = new ToolchainDirectory(configured);
            if (!IsToolchainRoot(dir.Root))
            {
                throw new ToolchainException(
                    $"{EnvironmentVariable} is '{configured}', but that folder has no package.json named '{PackageName}'. " +
                    "Point it at the repository root or unset it.");
            }

            return dir;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (IsToolchainRoot(dir.FullName))
                {
                    return new ToolchainDirectory(dir.FullName);
                }
            }
        }

        throw new ToolchainException(
            $"Could not find the repository's package.json ('{PackageName}') above '{AppContext.BaseDirectory}' or " +
            $"'{Environment.CurrentDirectory}'. Run mlops from inside the repository, or set {EnvironmentVariable}.");
    }

    private static bool IsToolchainRoot(string folder)
    {
        var packageJson = Path.Combine(folder, "package.json");
        return File.Exists(packageJson)
            && File.Exists(Path.Combine(folder, "package-lock.json"))
            && File.ReadAllText(packageJson).Contains($"\"{PackageName}\"", StringComparison.Ordinal);
    }
}
