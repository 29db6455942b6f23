using System.Text.Json.Nodes;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Profiling;

namespace Mlops.Pipeline.Training;

/// <summary>
/// What the scoring app needs about the model (candidate.json → manifest <c>candidate.signature</c>): request
/// fields by contract name and type, how each ONNX input is made from them, the output names, and the training
/// profile's bins for input and prediction telemetry. The scoring app reads it without ML.NET.
/// </summary>
internal static class ScoringSignature
{
    private const int TelemetryCategories = 20;

    public static JsonObject Build(FeatureLayout layout, DataProfile profile)
    {
        var contract = layout.Contract;
        var fields = layout.Inputs.Select(i => i.ContractIndex).Distinct().Order().Select(i => contract.Columns[i]).ToList();
        var binary = layout.Task == TrainingTask.BinaryClassification;
        var numericBins = new JsonObject();
        var categories = new JsonObject();
        foreach (var field in fields)
        {
            var column = profile.Column(field.Name);
            if (column?.Numeric is { } numeric)
            {
                numericBins[field.Name] = new JsonArray([.. numeric.Edges.Select(e => JsonValue.Create(e))]);
            }

            if (column?.Categorical is { } categorical && field.Type == ColumnType.Categorical)
            {
                categories[field.Name] = new JsonArray([.. categorical.Categories.Take(TelemetryCategories).Select(c => JsonValue.Create(c.Value))]);
            }
        }

        return new JsonObject
        {
            ["task"] = binary ? "binaryClassification" : "regression",
            ["features"] = new JsonArray([.. fields.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name,
                ["type"] = f.Type switch
                {
                    ColumnType.Number => "number",
                    ColumnType.Integer => "integer",
                    ColumnType.Boolean => "boolean",
                    ColumnType.Categorical => "categorical",
                    _ => "dateTime",
                },
                ["format"] = f.Format,
            })]),
            ["inputs"] = new JsonArray([.. layout.Inputs.Select(i => (JsonNode)new JsonObject
            {
                ["name"] = i.Name,
                ["feature"] = contract.Columns[i.ContractIndex].Name,
                ["derive"] = i.Part is { } part ? char.ToLowerInvariant(part.ToString()[0]) + part.ToString()[1..] : null,
            })]),
            ["outputs"] = binary
                ? new JsonObject { ["probability"] = "Probability.output", ["label"] = "PredictedLabel.output" }
                : new JsonObject { ["score"] = "Score.output" },
            ["telemetry"] = new JsonObject
            {
                ["numericBins"] = numericBins,
                ["categories"] = categories,
                ["predictionBins"] = binary ? new JsonArray(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9) : new JsonArray(),
            },
        };
    }
}
