using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using Mlops.Scoring.Model;

namespace Mlops.Scoring.Tests;

/// <summary>
/// A LightGbm model trained with ML.NET on real flights data (January 2001), exported to ONNX and written as a
/// candidate package, so the scoring app is tested against a real model and real ML.NET scores.
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

    public required IReadOnlyList<Row> Holdout { get; init; }

    /// <summary>ML.NET's probabilities for <see cref="Holdout"/>, in order.</summary>
    public required float[] HoldoutProbabilities { get; init; }

    /// <summary>Trains on the first 80% of the month's rows (time order) and writes the package into <paramref name="directory"/>.</summary>
    public static FlightsTestModel TrainAndPackage(string csvPath, string directory)
    {
        var rows = File.ReadLines(csvPath).Skip(1).Select(line =>
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
        }).ToList();
        var split = rows.Count * 4 / 5;
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Categorical.OneHotEncoding([new("origin_onehot", "origin"), new("destination_onehot", "destination")], maximumNumberOfKeys: 100)
            .Append(ml.Transforms.Concatenate("Features", "date_hour", "date_dayofweek", "distance", "origin_onehot", "destination_onehot"))
            .Append(ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { NumberOfIterations = 50, Seed = 1, NumberOfThreads = 1 }));
        var train = ml.Data.LoadFromEnumerable(rows.Take(split));
        var model = pipeline.Fit(train);

        Directory.CreateDirectory(directory);
        var holdout = rows.Skip(split).ToList();
        var holdoutView = ml.Data.LoadFromEnumerable(holdout);
        var probabilities = ml.Data.CreateEnumerable<Scored>(model.Transform(holdoutView), reuseRowObject: false).Select(s => s.Probability).ToArray();
        ml.Model.Save(model, train.Schema, Path.Combine(directory, "model.zip"));
        var inputSample = ml.Data.LoadFromEnumerable(holdout.Take(5).Select(r => new Input
        {
            Hour = r.Hour,
            DayOfWeek = r.DayOfWeek,
            Distance = r.Distance,
            Origin = r.Origin,
            Destination = r.Destination,
        }));
        using (var onnx = File.Create(Path.Combine(directory, "model.onnx")))
        {
            ml.Model.ConvertToOnnx(model, inputSample, onnx, "Probability", "PredictedLabel");
        }

        var candidate = new Dictionary<string, object>
        {
            ["model"] = "flights",
            ["trainer"] = "LightGbm",
            ["signature"] = Signature,
        };
        File.WriteAllText(Path.Combine(directory, "candidate.json"), JsonSerializer.Serialize(candidate, ModelSignature.JsonOptions));
        return new FlightsTestModel { Holdout = holdout, HoldoutProbabilities = probabilities };
    }
}
