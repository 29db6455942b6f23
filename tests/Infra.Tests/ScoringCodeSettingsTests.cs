using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Mlops.Infra.Tests.Support;
using Mlops.Scoring.Hosting;

namespace Mlops.Infra.Tests;

/// <summary>
/// Ties ExpectedAppSettings.json to the scoring app's code: every setting its options require (and the managed
/// identity branch of the registry connection) is in the list the Bicep must provide, and every scoring
/// setting in the list is one the code binds.
/// </summary>
public sealed class ScoringCodeSettingsTests
{
    [Fact]
    public void Every_setting_the_scoring_app_requires_is_provided_to_both_slots()
    {
        var required = RequiredSettings(ScoringOptions.Section, typeof(ScoringOptions))
            .Append($"{RegistryConnectionOptions.Section}__{nameof(RegistryConnectionOptions.BlobServiceUri)}");

        Assert.Subset(ExpectedAppSettings.Scoring.ToHashSet(StringComparer.Ordinal), required.ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_scoring_setting_the_bicep_provides_is_one_the_code_binds()
    {
        var bound = BoundSettings(ScoringOptions.Section, typeof(ScoringOptions))
            .Concat(BoundSettings(RegistryConnectionOptions.Section, typeof(RegistryConnectionOptions)))
            .Append("APPLICATIONINSIGHTS_CONNECTION_STRING")
            .ToHashSet(StringComparer.Ordinal);

        Assert.Subset(bound, ExpectedAppSettings.Scoring.ToHashSet(StringComparer.Ordinal));
    }

    private static IEnumerable<string> RequiredSettings(string section, Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null)
            .Select(p => $"{section}__{p.Name}");

    private static IEnumerable<string> BoundSettings(string section, Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => $"{section}__{p.Name}");
}
