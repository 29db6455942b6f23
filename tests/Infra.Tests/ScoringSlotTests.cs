using Mlops.Infra.Tests.Support;

namespace Mlops.Infra.Tests;

/// <summary>The scoring app: Linux plan, health check, staging slot, and which settings move with a swap.</summary>
public sealed class ScoringSlotTests(CompiledMainTemplate compiled)
{
    private ArmResource Site() =>
        Assert.Single(compiled.Template.Resources("Microsoft.Web/sites"), r => r.Module == "scoring");

    private ArmResource StagingSlot() =>
        Assert.Single(compiled.Template.Resources("Microsoft.Web/sites/slots"), r => r.Module == "scoring");

    private ArmResource SiteConfig(string leaf) =>
        Assert.Single(compiled.Template.Resources("Microsoft.Web/sites/config"), r => r.Module == "scoring" && r.LeafName == leaf);

    private ArmResource StagingAppSettings() =>
        Assert.Single(compiled.Template.Resources("Microsoft.Web/sites/slots/config"), r => r.Module == "scoring" && r.LeafName == "appsettings");

    private List<string?> StickySettingNames() =>
        SiteConfig("slotConfigNames").Get("properties", "appSettingNames")?.AsArray().Select(ArmTemplate.Str).ToList() ?? [];

    [Fact]
    public void Scoring_plan_is_Linux()
    {
        var plan = Assert.Single(compiled.Template.Resources("Microsoft.Web/serverfarms"), r => r.Module == "scoring");

        Assert.True(plan.GetBool("properties", "reserved"));
    }

    [Fact]
    public void Scoring_plan_SKUs_all_support_deployment_slots()
    {
        var allowed = compiled.Template.Template["parameters"]?["scoringPlanSku"]?["allowedValues"]?.AsArray()
            .Select(ArmTemplate.Str).ToList();

        Assert.NotNull(allowed);
        Assert.All(allowed, sku => Assert.Matches("^(S|P)[0-9]", sku));
    }

    [Fact]
    public void Scoring_runs_on_the_NET_10_Linux_stack()
    {
        Assert.Equal("DOTNETCORE|10.0", Site().GetString("properties", "siteConfig", "linuxFxVersion"));
    }

    [Fact]
    public void Scoring_production_has_a_health_check_path()
    {
        Assert.StartsWith("/", Site().GetString("properties", "siteConfig", "healthCheckPath") ?? "");
    }

    [Fact]
    public void Scoring_staging_slot_has_a_health_check_path()
    {
        Assert.StartsWith("/", StagingSlot().GetString("properties", "siteConfig", "healthCheckPath") ?? "");
    }

    [Fact]
    public void Scoring_has_a_slot_named_staging()
    {
        Assert.Equal("staging", compiled.Template.ModuleNamed("scoring").ResolveString(
            compiled.Template.ModuleNamed("scoring").Parameter("stagingSlotName")));
    }

    [Fact]
    public void Slot_specific_settings_are_sticky()
    {
        Assert.Equal(ExpectedAppSettings.ScoringSticky.Order(StringComparer.Ordinal), StickySettingNames().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Model_version_setting_moves_with_a_swap()
    {
        Assert.DoesNotContain("Scoring__ModelVersion", StickySettingNames());
    }

    [Fact]
    public void Production_slot_knows_it_is_production()
    {
        Assert.Equal("production", SiteConfig("appsettings").GetString("properties", "Scoring__SlotName"));
    }

    [Fact]
    public void Staging_slot_knows_it_is_staging()
    {
        Assert.Equal("staging", StagingAppSettings().GetString("properties", "Scoring__SlotName"));
    }

    [Fact]
    public void Each_slot_gets_its_own_model_version_parameter()
    {
        var production = SiteConfig("appsettings").Json["properties"]?["Scoring__ModelVersion"];
        var staging = StagingAppSettings().Json["properties"]?["Scoring__ModelVersion"];

        Assert.Equal("[parameters('productionModelVersion')]", ArmTemplate.Str(production));
        Assert.Equal("[parameters('stagingModelVersion')]", ArmTemplate.Str(staging));
    }
}
