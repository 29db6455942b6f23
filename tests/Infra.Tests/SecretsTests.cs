using System.Text.RegularExpressions;
using Mlops.Infra.Tests.Support;

namespace Mlops.Infra.Tests;

/// <summary>No storage key, connection string or SAS is read, written or passed anywhere in the templates.</summary>
public sealed partial class SecretsTests(CompiledMainTemplate compiled)
{
    [Theory]
    [InlineData("AccountKey=")]
    [InlineData("DefaultEndpointsProtocol")]
    [InlineData("SharedAccessSignature")]
    [InlineData("listAccountSas(")]
    [InlineData("listServiceSas(")]
    [InlineData("listConnectionStrings(")]
    public void Templates_contain_no_storage_credential(string marker)
    {
        Assert.DoesNotContain(marker, compiled.Json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_only_key_read_is_the_Functions_blobs_extension_key_for_the_Event_Grid_webhook()
    {
        // Event Grid must call the blobs webhook with the host's blobs_extension system key; it is read at
        // deployment time into the subscription and never stored in code, parameters or outputs.
        var lines = compiled.Json.Split('\n').Where(line => ListCall().IsMatch(line)).ToList();

        var line = Assert.Single(lines);
        Assert.Contains("\"endpointUrl\"", line, StringComparison.Ordinal);
        Assert.Single(ListCall().Matches(line));
        Assert.Contains("listKeys(format('{0}/host/default', resourceId('Microsoft.Web/sites', parameters('functionsSiteName'))), '2025-03-01').systemKeys.blobs_extension)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void No_output_carries_a_key()
    {
        var outputs = compiled.Template.AllTemplates()
            .SelectMany(t => t.Template["outputs"]?.AsObject().Select(o => o.Value?.ToJsonString() ?? "") ?? []);

        Assert.All(outputs, o => Assert.DoesNotMatch(ListCall(), o));
    }

    [Fact]
    public void No_parameter_is_a_secure_string()
    {
        // Nothing secret is passed in: every connection is an identity.
        var types = compiled.Template.AllTemplates()
            .SelectMany(t => t.Template["parameters"]?.AsObject().Select(p => ArmTemplate.Str(p.Value?["type"])) ?? []);

        Assert.DoesNotContain("securestring", types, StringComparer.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"\blist\w*\(")]
    private static partial Regex ListCall();
}
