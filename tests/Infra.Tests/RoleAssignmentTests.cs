using System.Text.RegularExpressions;
using Mlops.Infra.Tests.Support;

namespace Mlops.Infra.Tests;

/// <summary>
/// Least privilege: each identity gets exactly the built-in roles it needs, each on the one resource it needs
/// it on (a container, an account, the scoring site, the workspace), never on the resource group or subscription.
/// </summary>
public sealed partial class RoleAssignmentTests(CompiledMainTemplate compiled)
{
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string WebsiteContributor = "de139f84-1756-47ae-9be6-808fbbe84772";
    private const string LogAnalyticsReader = "73c42c96-874c-492b-b04d-ab87d138a893";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private const string Containers = "Microsoft.Storage/storageAccounts/blobServices/containers";
    private const string StorageAccounts = "Microsoft.Storage/storageAccounts";
    private const string Sites = "Microsoft.Web/sites";
    private const string Workspaces = "Microsoft.OperationalInsights/workspaces";
    private const string Components = "Microsoft.Insights/components";

    /// <summary>(who, role id, scope resource type, scope resource name parts as the roles module names them).</summary>
    private static readonly (string Who, string RoleId, string ScopeType, string ScopeName)[] Expected =
    [
        ("functions", StorageBlobDataContributor, Containers, "dataStorageAccountName/default/registryContainer"),
        ("functions", StorageBlobDataContributor, Containers, "dataStorageAccountName/default/trainingDataContainer"),
        ("functions", StorageBlobDataContributor, StorageAccounts, "runtimeStorageAccountName"),
        ("functions", StorageQueueDataContributor, StorageAccounts, "runtimeStorageAccountName"),
        ("functions", StorageTableDataContributor, StorageAccounts, "runtimeStorageAccountName"),
        ("functions", WebsiteContributor, Sites, "scoringSiteName"),
        ("functions", LogAnalyticsReader, Workspaces, "workspaceName"),
        ("scoring", StorageBlobDataReader, Containers, "dataStorageAccountName/default/registryContainer"),
        ("scoring/staging", StorageBlobDataReader, Containers, "dataStorageAccountName/default/registryContainer"),
        ("scoring", MonitoringMetricsPublisher, Components, "applicationInsightsName"),
        ("scoring/staging", MonitoringMetricsPublisher, Components, "applicationInsightsName"),
    ];

    public static TheoryData<string, string, string, string> ExpectedAssignments()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var (who, roleId, scopeType, scopeName) in Expected)
        {
            data.Add(who, roleId, scopeType, scopeName);
        }

        return data;
    }

    private sealed record Assignment(string Who, string? RoleId, string? ScopeType, string? ScopeName, ArmResource Resource);

    private IReadOnlyList<ArmResource> AllAssignments() =>
        compiled.Template.Resources("Microsoft.Authorization/roleAssignments");

    private List<Assignment> Assignments() => AllAssignments().Select(Describe).ToList();

    private static Assignment Describe(ArmResource resource)
    {
        var principal = resource.Template.ResolveString(resource.Json["properties"]?["principalId"]) ?? "";
        var who = principal.Contains("'Microsoft.Web/sites/slots'", StringComparison.Ordinal) && principal.Contains("parameters('scoringSiteName')", StringComparison.Ordinal) ? "scoring/staging"
            : principal.Contains("'Microsoft.Web/sites', parameters('scoringSiteName')", StringComparison.Ordinal) ? "scoring"
            : principal.Contains("'Microsoft.Web/sites', parameters('functionsSiteName')", StringComparison.Ordinal) ? "functions"
            : $"unknown principal {principal}";

        var roleExpression = resource.Template.ResolveString(resource.Json["properties"]?["roleDefinitionId"]) ?? "";
        var roleId = resource.Template.ResolveVariableMember(roleExpression) ?? Guid().Match(roleExpression).Value;

        var scope = resource.Template.ResolveString(resource.Json["scope"]) ?? "";
        var scopeMatch = ResourceIdScope().Match(scope);
        string? scopeType = null, scopeName = null;
        if (scopeMatch.Success)
        {
            scopeType = scopeMatch.Groups[1].Value;
            scopeName = string.Join('/', scopeMatch.Groups[2].Value
                .Split(',', StringSplitOptions.TrimEntries)
                .Select(part => ParameterName().Match(part) is { Success: true } p ? p.Groups[1].Value : part.Trim('\'')));
        }

        return new Assignment(who, roleId, scopeType, scopeName, resource);
    }

    [Fact]
    public void There_are_role_assignments()
    {
        Assert.NotEmpty(AllAssignments());
    }

    [Fact]
    public void Every_role_assignment_is_scoped_to_a_resource()
    {
        // No scope means the deployment's scope: the whole resource group.
        Assert.All(AllAssignments(), a =>
        {
            var scope = a.Template.ResolveString(a.Json["scope"]) ?? "";
            Assert.Matches(ResourceIdScope(), scope);
            Assert.DoesNotContain("resourceGroup()", scope, StringComparison.Ordinal);
            Assert.DoesNotContain("subscription()", scope, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Every_role_assignment_is_for_a_service_principal()
    {
        Assert.All(AllAssignments(), a => Assert.Equal("ServicePrincipal", a.GetString("properties", "principalType")));
    }

    [Fact]
    public void Every_role_assignment_uses_a_built_in_role_definition()
    {
        Assert.All(AllAssignments(), a =>
            Assert.StartsWith("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ",
                a.Template.ResolveString(a.Json["properties"]?["roleDefinitionId"]) ?? "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ExpectedAssignments))]
    public void Identity_gets_the_role_on_exactly_that_resource(string who, string roleId, string scopeType, string scopeName)
    {
        var matching = Assignments().Where(a =>
            a.Who == who && a.RoleId == roleId && a.ScopeType == scopeType && a.ScopeName == scopeName);

        Assert.Single(matching);
    }

    [Fact]
    public void No_identity_gets_a_role_beyond_the_least_privilege_set()
    {
        var expected = Expected
            .Select(e => $"{e.Who} {e.RoleId} {e.ScopeType} {e.ScopeName}")
            .Order(StringComparer.Ordinal);
        var actual = Assignments()
            .Select(a => $"{a.Who} {a.RoleId} {a.ScopeType} {a.ScopeName}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("functionsSiteName", "functions", "siteName")]
    [InlineData("scoringSiteName", "scoring", "siteName")]
    [InlineData("scoringStagingSlotName", "scoring", "stagingSlotName")]
    [InlineData("dataStorageAccountName", "data-storage", "name")]
    [InlineData("runtimeStorageAccountName", "runtime-storage", "name")]
    [InlineData("workspaceName", "monitoring", "workspaceName")]
    [InlineData("applicationInsightsName", "monitoring", "applicationInsightsName")]
    public void Roles_module_refers_to_the_resources_main_deploys(string rolesParameter, string module, string moduleParameter)
    {
        var inRoles = ArmTemplate.Str(compiled.Template.ModuleNamed("roles").Parameter(rolesParameter));
        var inModule = ArmTemplate.Str(compiled.Template.ModuleNamed(module).Parameter(moduleParameter));

        Assert.Equal(inModule, inRoles);
    }

    [Theory]
    [InlineData("registryContainer", "models")]
    [InlineData("trainingDataContainer", "training-data")]
    public void Roles_module_grants_on_the_product_containers(string rolesParameter, string container)
    {
        Assert.Equal(container, ArmTemplate.Str(compiled.Template.ModuleNamed("roles").Parameter(rolesParameter)));
    }

    [GeneratedRegex(@"^\[(?:extensionResourceId\([^)]*\), )?resourceId\('([^']+)', (.*)\)\]$")]
    private static partial Regex ResourceIdScope();

    [GeneratedRegex(@"^parameters\('([^']+)'\)$")]
    private static partial Regex ParameterName();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();
}
