using System.Text.Json;
using Json.Schema;
using Mlops.Pipeline.Tests.Support;

namespace Mlops.Pipeline.Tests.Training;

public sealed class TrainingSpecSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(RepositoryFiles.PathOf("schemas/training-spec.schema.json"))));

    [Fact]
    public void The_flights_spec_is_valid_under_the_schema_editors_use()
    {
        var result = Schema.Value.Evaluate(JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("samples/flights/training.json"))).RootElement);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void The_schema_rejects_an_unknown_key_as_the_parser_does()
    {
        var result = Schema.Value.Evaluate(JsonDocument.Parse("""{"model":"m","task":"regression","trainer":{"name":"LightGbm"},"split":{"kind":"time","holdoutFraction":0.2},"epochs":3}""").RootElement);

        Assert.False(result.IsValid);
    }
}
