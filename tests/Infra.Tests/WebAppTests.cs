using Mlops.Infra.Tests.Support;

namespace Mlops.Infra.Tests;

/// <summary>Transport and identity settings of the three web apps: Functions, scoring production, scoring staging.</summary>
public sealed class WebAppTests(CompiledMainTemplate compiled)
{
    public static TheoryData<string> Apps() => new("functions", "scoring", "scoring/staging");

    private ArmResource App(string app)
    {
        var slot = app.EndsWith("/staging", StringComparison.Ordinal);
        var module = slot ? app[..app.IndexOf('/', StringComparison.Ordinal)] : app;
        var type = slot ? "Microsoft.Web/sites/slots" : "Microsoft.Web/sites";
        return Assert.Single(compiled.Template.Resources(type), r => r.Module == module);
    }

    private List<ArmResource> PublishingPolicies(string app)
    {
        var slot = app.EndsWith("/staging", StringComparison.Ordinal);
        var module = slot ? app[..app.IndexOf('/', StringComparison.Ordinal)] : app;
        var type = slot
            ? "Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies"
            : "Microsoft.Web/sites/basicPublishingCredentialsPolicies";
        return compiled.Template.Resources(type).Where(r => r.Module == module).ToList();
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void App_is_HTTPS_only(string app)
    {
        Assert.True(App(app).GetBool("properties", "httpsOnly"));
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void App_has_FTPS_disabled(string app)
    {
        Assert.Equal("Disabled", App(app).GetString("properties", "siteConfig", "ftpsState"));
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void App_requires_TLS_1_2(string app)
    {
        Assert.Equal("1.2", App(app).GetString("properties", "siteConfig", "minTlsVersion"));
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void App_requires_TLS_1_2_on_its_deployment_endpoint(string app)
    {
        Assert.Equal("1.2", App(app).GetString("properties", "siteConfig", "scmMinTlsVersion"));
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void App_has_a_system_assigned_identity(string app)
    {
        Assert.Equal("SystemAssigned", App(app).GetString("identity", "type"));
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void App_has_no_connection_strings(string app)
    {
        Assert.Null(App(app).Get("properties", "siteConfig", "connectionStrings"));
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void App_disallows_basic_publishing_credentials(string app)
    {
        var policies = PublishingPolicies(app);

        Assert.Equal(["ftp", "scm"], policies.Select(p => p.LeafName).Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.False(p.GetBool("properties", "allow") ?? true, p.ToString()));
    }
}
