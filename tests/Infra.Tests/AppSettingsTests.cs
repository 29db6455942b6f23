using Mlops.Infra.Tests.Support;

namespace Mlops.Infra.Tests;

/// <summary>The Bicep provides exactly the app settings the code reads (ExpectedAppSettings.json).</summary>
public sealed class AppSettingsTests(CompiledMainTemplate compiled)
{
    private List<string> SettingNames(string type, string module)
    {
        var settings = Assert.Single(compiled.Template.Resources(type), r => r.Module == module && r.LeafName == "appsettings");
        return settings.Get("properties")?.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ToList() ?? [];
    }

    [Fact]
    public void Functions_app_gets_exactly_the_settings_its_code_reads()
    {
        Assert.Equal(ExpectedAppSettings.Functions.Order(StringComparer.Ordinal), SettingNames("Microsoft.Web/sites/config", "functions"));
    }

    [Fact]
    public void Scoring_production_slot_gets_exactly_the_settings_its_code_reads()
    {
        Assert.Equal(ExpectedAppSettings.Scoring.Order(StringComparer.Ordinal), SettingNames("Microsoft.Web/sites/config", "scoring"));
    }

    [Fact]
    public void Scoring_staging_slot_gets_exactly_the_settings_its_code_reads()
    {
        Assert.Equal(ExpectedAppSettings.Scoring.Order(StringComparer.Ordinal), SettingNames("Microsoft.Web/sites/slots/config", "scoring"));
    }

    [Fact]
    public void Sticky_settings_are_scoring_settings()
    {
        Assert.Subset(ExpectedAppSettings.Scoring.ToHashSet(StringComparer.Ordinal), ExpectedAppSettings.ScoringSticky.ToHashSet(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("functions", "Registry__Container", "models")]
    [InlineData("functions", "TrainingData__Container", "training-data")]
    [InlineData("scoring", "Registry__Container", "models")]
    public void Container_settings_name_the_containers_the_data_account_has(string module, string setting, string container)
    {
        var settings = Assert.Single(compiled.Template.Resources("Microsoft.Web/sites/config"), r => r.Module == module && r.LeafName == "appsettings");

        Assert.Equal(container, settings.GetString("properties", setting));
    }

    [Fact]
    public void Registry_and_training_data_point_at_the_data_account()
    {
        var functions = compiled.Template.ModuleNamed("functions");
        var scoring = compiled.Template.ModuleNamed("scoring");
        string?[] endpoints =
        [
            ArmTemplate.Str(functions.Parameter("registryBlobServiceUri")),
            ArmTemplate.Str(functions.Parameter("trainingDataBlobServiceUri")),
            ArmTemplate.Str(scoring.Parameter("registryBlobServiceUri")),
        ];

        Assert.All(endpoints, e => Assert.Contains("'data-storage'", e ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public void Telemetry_workspace_id_is_the_workspace_customer_id()
    {
        var value = ArmTemplate.Str(compiled.Template.ModuleNamed("functions").Parameter("workspaceCustomerId"));

        Assert.Contains("'monitoring'", value ?? "", StringComparison.Ordinal);
        Assert.Contains("outputs.workspaceCustomerId", value ?? "", StringComparison.Ordinal);
    }
}
