namespace Mlops.Infra.Tests.Support;

/// <summary>Paths inside the repository, found from the test assembly's folder.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string BicepFolder => Path.Combine(Root, "infra", "bicep");

    public static string MainBicep => Path.Combine(BicepFolder, "main.bicep");

    public static IReadOnlyList<string> BicepFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "infra"), "*.bicep", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")) && Directory.Exists(Path.Combine(dir.FullName, "infra")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (Serverless.sln and infra/) above {AppContext.BaseDirectory}.");
    }
}
