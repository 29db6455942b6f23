using Mlops.Infra.Tests.Support;

namespace Mlops.Infra.Tests;

/// <summary>The Functions app on Flex Consumption, with identity-based connections only.</summary>
public sealed class FunctionsAppTests(CompiledMainTemplate compiled)
{
    private ArmResource Site() =>
        Assert.Single(compiled.Template.Resources("Microsoft.Web/sites"), r => r.Module == "functions");

    private ArmResource AppSettings() =>
        Assert.Single(compiled.Template.Resources("Microsoft.Web/sites/config"), r => r.Module == "functions" && r.LeafName == "appsettings");

    private List<string> SettingNames() =>
        AppSettings().Get("properties")?.AsObject().Select(p => p.Key).ToList() ?? [];

    [Fact]
    public void Functions_plan_is_Flex_Consumption()
    {
        var plan = Assert.Single(compiled.Template.Resources("Microsoft.Web/serverfarms"), r => r.Module == "functions");

        Assert.Equal(("FC1", "FlexConsumption"), (plan.GetString("sku", "name"), plan.GetString("sku", "tier")));
    }

    [Fact]
    public void Functions_runs_the_NET_10_isolated_worker()
    {
        var runtime = (Site().GetString("properties", "functionAppConfig", "runtime", "name"),
            Site().GetString("properties", "functionAppConfig", "runtime", "version"));

        Assert.Equal(("dotnet-isolated", "10.0"), runtime);
    }

    [Fact]
    public void Functions_deployment_package_is_read_with_the_app_identity()
    {
        Assert.Equal("SystemAssignedIdentity",
            Site().GetString("properties", "functionAppConfig", "deployment", "storage", "authentication", "type"));
    }

    [Fact]
    public void AzureWebJobsStorage_connects_by_account_name_with_the_managed_identity()
    {
        var settings = AppSettings();

        Assert.Equal(
            ("[parameters('runtimeStorageAccountName')]", "managedidentity"),
            (ArmTemplate.Str(settings.Json["properties"]?["AzureWebJobsStorage__accountName"]),
                settings.GetString("properties", "AzureWebJobsStorage__credential")));
    }

    [Fact]
    public void AzureWebJobsStorage_has_no_connection_string()
    {
        Assert.DoesNotContain("AzureWebJobsStorage", SettingNames());
    }

    [Fact]
    public void Functions_sets_none_of_the_settings_Flex_Consumption_rejects()
    {
        string[] rejected =
        [
            "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE", "WEBSITE_NODE_DEFAULT_VERSION",
        ];

        Assert.Empty(SettingNames().Intersect(rejected, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void Slots_adapter_targets_the_scoring_site_of_this_deployment()
    {
        var passed = compiled.Template.ModuleNamed("functions").Parameter("scoringSiteName");
        var scoringSite = compiled.Template.ModuleNamed("scoring").Parameter("siteName");

        Assert.Equal(ArmTemplate.Str(scoringSite), ArmTemplate.Str(passed));
    }
}
