using System.Text.Json;
using Json.Schema;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Tests.Support;

namespace Mlops.Pipeline.Tests.Data;

public sealed class DataContractParserTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(RepositoryFiles.PathOf("schemas/data-contract.schema.json"))));

    [Fact]
    public void The_flights_contract_parses_with_its_roles_and_rules()
    {
        var contract = RepositoryFiles.FlightsContract();

        Assert.Equal(["date", "delay", "distance", "origin", "destination", "delayed"], contract.Columns.Select(c => c.Name));
        Assert.Equal("delayed", contract.Label!.Name);
        Assert.Equal(ColumnRole.Ignore, contract.Columns[contract.IndexOf("delay")].Role);
        Assert.Equal([2, 3, 4], contract.FeatureIndexes);
        Assert.True(contract.Columns[contract.IndexOf("origin")].CategoriesLearned);
        Assert.Equal(1000, contract.Rules.MinRows);
    }

    [Fact]
    public void The_flights_contract_conforms_to_the_json_schema()
    {
        var result = Schema.Value.Evaluate(JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("samples/flights/contract.json"))).RootElement,
            new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("; ", result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Values) ?? []));
    }

    [Fact]
    public void The_json_schema_also_rejects_an_unknown_key()
    {
        var result = Schema.Value.Evaluate(JsonDocument.Parse("""{ "columns": [ { "name": "x", "type": "number", "maxNull": 0.1 } ] }""").RootElement);

        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" } ], "colums": [] }""", "colums")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number", "maxNulFraction": 0.1 } ] }""", "columns[0].maxNulFraction")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" } ], "rules": { "minRow": 5 } }""", "rules.minRow")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" } ], "rules": { "labelRate": { "low": 0.1 } } }""", "rules.labelRate.low")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" } ], "rules": { "time": { "after": "2001-01-01" } } }""", "rules.time.after")]
    public void An_unknown_key_is_an_error_that_names_it(string json, string key)
    {
        var error = Assert.Throws<DataContractException>(() => DataContractParser.Parse(json));

        Assert.Equal(key, error.Key);
        Assert.Contains("unknown key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number", "min": 5, "max": 1 } ] }""", "columns[0].min")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" }, { "name": "x", "type": "integer" } ] }""", "columns[1].name")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "float" } ] }""", "columns[0].type")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number", "role": "target" } ] }""", "columns[0].role")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" }, { "name": "t", "type": "datetime", "role": "time" } ] }""", "columns[1].format")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number", "format": "yyyy" } ] }""", "columns[0].format")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "categorical", "min": 0 } ] }""", "columns[0].min")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number", "categories": ["a"] } ] }""", "columns[0].categories")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "categorical", "categories": [] } ] }""", "columns[0].categories")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "categorical", "categories": ["a", "a"] } ] }""", "columns[0].categories")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "categorical", "maxUnseenShare": 0.1 } ] }""", "columns[0].maxUnseenShare")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number", "maxNullFraction": 1.5 } ] }""", "columns[0].maxNullFraction")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" }, { "name": "a", "type": "boolean", "role": "label" }, { "name": "b", "type": "boolean", "role": "label" } ] }""", "columns[2].role")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" }, { "name": "t", "type": "integer", "role": "time" } ] }""", "columns[1].type")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number", "role": "label" } ] }""", "columns")]
    [InlineData("""{ "columns": [] }""", "columns")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" } ], "rules": { "labelRate": { "min": 0.1 } } }""", "rules.labelRate")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" }, { "name": "y", "type": "boolean", "role": "label" } ], "rules": { "labelRate": { "min": 0.6, "max": 0.2 } } }""", "rules.labelRate.min")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" } ], "rules": { "time": { "min": "2001-01-01" } } }""", "rules.time")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" } ], "rules": { "minRows": 0 } }""", "rules.minRows")]
    [InlineData("""{ "columns": [ { "name": "x", "type": "number" } ], "rules": { "extraColumns": "warn" } }""", "rules.extraColumns")]
    [InlineData("""{ "columns": [ { "name": "x", "type": 3 } ] }""", "columns[0].type")]
    [InlineData("""{ "columns": [ { "type": "number" } ] }""", "columns[0].name")]
    [InlineData("""[]""", "(document)")]
    [InlineData("""{ "columns": [ """, "(document)")]
    public void A_contradiction_or_a_wrong_value_is_an_error_that_names_the_key(string json, string key)
    {
        var error = Assert.Throws<DataContractException>(() => DataContractParser.Parse(json));

        Assert.Equal(key, error.Key);
        Assert.StartsWith(key + ": ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_contract_file_is_a_contract_error()
    {
        var error = await Assert.ThrowsAsync<DataContractException>(() => DataContractParser.LoadAsync("/no/such/contract.json", TestContext.Current.CancellationToken));

        Assert.Contains("/no/such/contract.json", error.Message, StringComparison.Ordinal);
    }
}
