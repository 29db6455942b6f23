using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Mlops.Local.Toolchain;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Readers;
using Mlops.Pipeline.Training;
using Mlops.Scoring.Model;
using DatePart = Mlops.Scoring.Model.DatePart;

namespace Mlops.Scoring.Tests;

/// <summary>
/// The flights model as the product makes it: the pipeline trains LightGbm on real flights data (January 2001)
/// with the sample contract and spec, exports it to ONNX and writes the candidate package, so the scoring app is
/// tested against a real model and the pipeline's own ML.NET scores. <see cref="Signature"/> is a hand-written
/// signature of the same shape, for parser tests that need no model.
/// </summary>
public sealed class FlightsTestModel
{
    public sealed class Input
    {
        [ColumnName("date_hour")] public float Hour { get; set; }
        [ColumnName("date_dayofweek")] public float DayOfWeek { get; set; }
        [ColumnName("distance")] public float Distance { get; set; }
        [ColumnName("origin")] public string Origin { get; set; } = "";
        [ColumnName("destination")] public string Destination { get; set; } = "";
    }

    public sealed class Row
    {
        [ColumnName("date_hour")] public float Hour { get; set; }
        [ColumnName("date_dayofweek")] public float DayOfWeek { get; set; }
        [ColumnName("distance")] public float Distance { get; set; }
        [ColumnName("origin")] public string Origin { get; set; } = "";
        [ColumnName("destination")] public string Destination { get; set; } = "";
        public bool Label { get; set; }
        public string Date { get; set; } = "";
    }

    private sealed class Scored
    {
        public float Probability { get; set; }
    }

    public static readonly ModelSignature Signature = new()
    {
        Task = ModelSignature.BinaryClassification,
        Features =
        [
            new() { Name = "date", Type = FeatureType.DateTime, Format = "yyyy-MM-dd HH:mm" },
            new() { Name = "distance", Type = FeatureType.Number },
            new() { Name = "origin", Type = FeatureType.Categorical },
            new() { Name = "destination", Type = FeatureType.Categorical },
        ],
        Inputs =
        [
            new() { Name = "date_hour", Feature = "date", Derive = DatePart.Hour },
            new() { Name = "date_dayofweek", Feature = "date", Derive = DatePart.DayOfWeek },
            new() { Name = "distance", Feature = "distance" },
            new() { Name = "origin", Feature = "origin" },
            new() { Name = "destination", Feature = "destination" },
        ],
        Outputs = new() { Probability = "Probability.output", Label = "PredictedLabel.output" },
        Telemetry = new()
        {
            NumericBins = new Dictionary<string, double[]> { ["distance"] = [250, 500, 1000, 2000] },
            Categories = new Dictionary<string, string[]> { ["origin"] = ["LAX", "ORD", "ATL"] },
        },
    };

    /// <summary>samples/flights/training.json: the spec the tests train with.</summary>
    public static string SampleSpecPath => Path.Combine(ToolchainDirectory.Locate().Root, "samples", "flights", "training.json");

    public required IReadOnlyList<Row> Holdout { get; init; }

    /// <summary>ML.NET's probabilities for <see cref="Holdout"/>, in order, from the package's model.zip.</summary>
    public required float[] HoldoutProbabilities { get; init; }

    /// <summary>The signature the pipeline wrote into candidate.json: what the served model takes and bins.</summary>
    public required ModelSignature PackagedSignature { get; init; }

    /// <summary>
    /// Trains with the product's pipeline (<see cref="ModelTrainer"/>, the sample contract and training spec) on one
    /// month of flights, writing the candidate package into <paramref name="directory"/>, and scores the pipeline's
    /// holdout with the packaged ML.NET model: the reference the scoring app must match.
    /// </summary>
    /// <param name="specJson">Another training spec than the sample's (the scoring benchmark varies the model's size).</param>
    public static async Task<FlightsTestModel> TrainAndPackageAsync(string csvPath, string directory, string? specJson = null, CancellationToken cancellationToken = default)
    {
        var root = ToolchainDirectory.Locate().Root;
        var contractJson = await File.ReadAllTextAsync(Path.Combine(root, "samples", "flights", "contract.json"), cancellationToken);
        specJson ??= await File.ReadAllTextAsync(SampleSpecPath, cancellationToken);
        var contract = DataContractParser.Parse(contractJson);
        var data = DataSet.FromPath(csvPath);
        var identity = await DataSetIdentity.ComputeAsync(data, new Uri(csvPath).AbsoluteUri, cancellationToken: cancellationToken);
        var result = await new ModelTrainer().TrainAsync(
            new TrainingRequest(data, identity, contract, contractJson, TrainingSpecParser.Parse(specJson, contract), specJson, directory), cancellationToken);

        var holdout = File.ReadLines(csvPath).Skip(1).Select(line =>
        {
            var f = line.Split(',');
            var date = DateTime.ParseExact(f[0], "yyyy-MM-dd HH:mm", null);
            return new Row
            {
                Date = f[0],
                Hour = date.Hour,
                DayOfWeek = (float)date.DayOfWeek,
                Distance = float.Parse(f[2]),
                Origin = f[3],
                Destination = f[4],
                Label = f[5] == "true",
            };
        }).Where(r => DateTime.ParseExact(r.Date, "yyyy-MM-dd HH:mm", null) >= result.HoldoutFrom!.Value).ToList();
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(directory, "model.zip"), out _);
        var inputs = ml.Data.LoadFromEnumerable(holdout.Select(r => new Input
        {
            Hour = r.Hour,
            DayOfWeek = r.DayOfWeek,
            Distance = r.Distance,
            Origin = r.Origin,
            Destination = r.Destination,
        }));
        var probabilities = ml.Data.CreateEnumerable<Scored>(model.Transform(inputs), reuseRowObject: false).Select(s => s.Probability).ToArray();
        using var candidate = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "candidate.json"), cancellationToken));
        var signature = candidate.RootElement.GetProperty("signature").Deserialize<ModelSignature>(ModelSignature.JsonOptions)!;
        return new FlightsTestModel { Holdout = holdout, HoldoutProbabilities = probabilities, PackagedSignature = signature };
    }
}
