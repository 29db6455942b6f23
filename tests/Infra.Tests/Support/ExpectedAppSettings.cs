using System.Text.Json.Nodes;

namespace Mlops.Infra.Tests.Support;

/// <summary>ExpectedAppSettings.json: the settings the apps read (see the comment in that file).</summary>
internal static class ExpectedAppSettings
{
    private static readonly JsonObject Document = Load();

    public static IReadOnlySet<string> Functions => Names("functions");

    public static IReadOnlySet<string> Scoring => Names("scoring");

    public static IReadOnlySet<string> ScoringSticky => Names("scoringSticky");

    private static HashSet<string> Names(string key) =>
        (Document[key] as JsonArray ?? throw new InvalidOperationException($"ExpectedAppSettings.json has no '{key}' list."))
            .Select(n => n?.GetValue<string>() ?? throw new InvalidOperationException($"Null name in '{key}'."))
            .ToHashSet(StringComparer.Ordinal);

    private static JsonObject Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "ExpectedAppSettings.json");
        return JsonNode.Parse(File.ReadAllText(path))?.AsObject()
            ?? throw new InvalidOperationException($"{path} is empty.");
    }
}
