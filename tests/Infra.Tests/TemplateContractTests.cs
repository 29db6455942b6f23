using System.Text.Json.Nodes;
using Mlops.Infra.Tests.Support;

namespace Mlops.Infra.Tests;

/// <summary>Parameters are documented, azd can fill them, outputs give the apps and pipelines what they need.</summary>
public sealed class TemplateContractTests(CompiledMainTemplate compiled)
{
    [Fact]
    public void Every_parameter_has_a_description()
    {
        var undocumented = compiled.Template.AllTemplates()
            .SelectMany(t => t.Template["parameters"]?.AsObject()
                .Where(p => string.IsNullOrWhiteSpace(ArmTemplate.Str(p.Value?["metadata"]?["description"])))
                .Select(p => $"{t.Module}.{p.Key}") ?? []);

        Assert.Empty(undocumented);
    }

    [Fact]
    public void Every_output_has_a_description()
    {
        var undocumented = compiled.Template.AllTemplates()
            .SelectMany(t => t.Template["outputs"]?.AsObject()
                .Where(o => string.IsNullOrWhiteSpace(ArmTemplate.Str(o.Value?["metadata"]?["description"])))
                .Select(o => $"{t.Module}.{o.Key}") ?? []);

        Assert.Empty(undocumented);
    }

    [Theory]
    [InlineData("AZURE_LOCATION")]
    [InlineData("AZURE_TENANT_ID")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("FUNCTIONS_APP_NAME")]
    [InlineData("FUNCTIONS_APP_URI")]
    [InlineData("SCORING_APP_NAME")]
    [InlineData("SCORING_STAGING_SLOT")]
    [InlineData("SCORING_APP_URI")]
    [InlineData("SCORING_STAGING_URI")]
    [InlineData("REGISTRY_BLOB_SERVICE_URI")]
    [InlineData("REGISTRY_CONTAINER")]
    [InlineData("TRAINING_DATA_CONTAINER")]
    [InlineData("LOG_ANALYTICS_WORKSPACE_ID")]
    public void Main_outputs_what_the_apps_and_pipelines_need(string output)
    {
        Assert.NotNull(compiled.Template.Template["outputs"]?[output]);
    }

    [Fact]
    public void Azd_parameters_file_sets_only_parameters_main_declares()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.BicepFolder, "main.parameters.json")));
        var declared = compiled.Template.Template["parameters"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

        Assert.Subset(declared, file!["parameters"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void Azd_parameters_file_sets_every_parameter_without_a_default()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.BicepFolder, "main.parameters.json")));
        var required = compiled.Template.Template["parameters"]!.AsObject()
            .Where(p => p.Value?["defaultValue"] is null)
            .Select(p => p.Key);

        Assert.All(required, name => Assert.NotNull(file!["parameters"]![name]));
    }

    [Theory]
    [InlineData("functions", "functions")]
    [InlineData("scoring", "scoring")]
    public void Apps_carry_the_azd_service_name_of_azure_yaml(string module, string service)
    {
        Assert.Equal(service, ArmTemplate.Str(compiled.Template.ModuleNamed(module).Parameter("azdServiceName")));
        Assert.Matches($@"(?m)^  {service}:\s*$", File.ReadAllText(Path.Combine(Repository.Root, "azure.yaml")));
    }
}
