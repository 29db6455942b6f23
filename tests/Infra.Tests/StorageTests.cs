using Mlops.Infra.Tests.Support;

namespace Mlops.Infra.Tests;

/// <summary>Both storage accounts (registry + training data, Functions runtime) are reachable with Entra ID only.</summary>
public sealed class StorageTests(CompiledMainTemplate compiled)
{
    private const string AccountType = "Microsoft.Storage/storageAccounts";

    private IReadOnlyList<ArmResource> Accounts()
    {
        var accounts = compiled.Template.Resources(AccountType);
        Assert.NotEmpty(accounts);
        return accounts;
    }

    [Fact]
    public void Main_deploys_a_data_account_and_a_runtime_account()
    {
        var modules = Accounts().Select(a => a.Module).Order(StringComparer.Ordinal);

        Assert.Equal(["data-storage", "runtime-storage"], modules);
    }

    [Fact]
    public void Storage_accounts_disallow_shared_key_access()
    {
        Assert.All(Accounts(), a => Assert.False(a.GetBool("properties", "allowSharedKeyAccess") ?? true, a.ToString()));
    }

    [Fact]
    public void Storage_accounts_default_to_Entra_ID_authorization()
    {
        Assert.All(Accounts(), a => Assert.True(a.GetBool("properties", "defaultToOAuthAuthentication"), a.ToString()));
    }

    [Fact]
    public void Storage_accounts_disallow_public_blob_access()
    {
        Assert.All(Accounts(), a => Assert.False(a.GetBool("properties", "allowBlobPublicAccess") ?? true, a.ToString()));
    }

    [Fact]
    public void Storage_accounts_require_TLS_1_2()
    {
        Assert.All(Accounts(), a => Assert.Equal("TLS1_2", a.GetString("properties", "minimumTlsVersion")));
    }

    [Fact]
    public void Storage_accounts_accept_HTTPS_only()
    {
        Assert.All(Accounts(), a => Assert.True(a.GetBool("properties", "supportsHttpsTrafficOnly"), a.ToString()));
    }

    [Fact]
    public void Blob_containers_are_private()
    {
        var containers = compiled.Template.Resources("Microsoft.Storage/storageAccounts/blobServices/containers");

        Assert.NotEmpty(containers);
        Assert.All(containers, c => Assert.Equal("None", c.GetString("properties", "publicAccess")));
    }

    [Fact]
    public void Data_account_has_the_models_and_training_data_containers()
    {
        var names = compiled.Template.ModuleNamed("data-storage").Parameter("containerNames") as System.Text.Json.Nodes.JsonArray;

        Assert.NotNull(names);
        Assert.Equal(["models", "training-data"], names.Select(ArmTemplate.Str));
    }
}
