using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Mlops.Pipeline.Tests.Support;
using Mlops.Pipeline.Training;
using Mlops.TestSupport;

namespace Mlops.Pipeline.Tests.Training;

/// <summary>Training on real flights data (January 2001, flights-20k), with the sample contract and spec.</summary>
public sealed class ModelTrainerTests(SampleDataFixture samples) : IDisposable
{
    private readonly TestFiles _files = new();

    private string January => samples.PathOf("2001-01");

    private string Out(string name) => Path.Combine(_files.Directory, name);

    [Fact]
    public async Task The_sample_spec_trains_a_candidate_that_passes_its_gate_with_onnx_parity()
    {
        var result = await TrainingRun.TrainAsync(January, Out("candidate"));

        Assert.True(result.Gate.Passed, string.Join("; ", result.Gate.Checks.Where(c => !c.Passed).Select(c => $"{c.Metric} {c.Candidate}")));
        Assert.InRange(result.Candidate.Metrics[MetricNames.Auc], 0.6, 1.0);
        Assert.InRange(result.Parity.MaxAbsoluteDifference, 0, 1e-5);
        Assert.Equal(result.HoldoutRows, result.Parity.Rows);
        Assert.Equal(samples.Months.Single(m => m.Month == "2001-01").Rows, result.TrainRows + result.HoldoutRows);
        foreach (var file in new[] { "model.onnx", "model.zip", "candidate.json", "profile.json", "gate.json", "contract.json", "spec.json" })
        {
            Assert.True(File.Exists(Path.Combine(Out("candidate"), file)), file);
        }
    }

    [Fact]
    public async Task The_time_holdout_is_the_latest_fifth_of_the_month()
    {
        var result = await TrainingRun.TrainAsync(January, Out("candidate"));

        var times = File.ReadLines(January).Skip(1).Select(l => DateTime.ParseExact(l[..16], "yyyy-MM-dd HH:mm", null)).ToList();
        Assert.Equal(times.Count(t => t >= result.HoldoutFrom!.Value), result.HoldoutRows);
        Assert.InRange((double)result.HoldoutRows / times.Count, 0.19, 0.21);
    }

    [Fact]
    public async Task The_same_data_spec_and_seed_give_bit_identical_metrics_and_scores()
    {
        var first = await TrainingRun.TrainAsync(January, Out("first"));
        var second = await TrainingRun.TrainAsync(January, Out("second"));

        Assert.Equal(first.Candidate.Metrics, second.Candidate.Metrics);
        Assert.Equal(HoldoutScores(Out("first")), HoldoutScores(Out("second")));
    }

    [Fact]
    public async Task The_candidate_records_data_identity_contract_spec_and_signature()
    {
        await TrainingRun.TrainAsync(January, Out("candidate"));

        using var candidate = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out("candidate"), "candidate.json")));
        var root = candidate.RootElement;
        Assert.Equal("flights", root.GetProperty("model").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(January))), root.GetProperty("dataset").GetProperty("sha256").GetString());
        Assert.Equal(64, root.GetProperty("contract").GetProperty("sha256").GetString()!.Length);
        Assert.Equal(42, root.GetProperty("seed").GetInt32());
        var inputs = root.GetProperty("signature").GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToList();
        Assert.Equal(["distance", "origin", "destination", "date_hour", "date_dayofweek"], inputs);
        Assert.DoesNotContain(root.GetProperty("signature").GetProperty("features").EnumerateArray(), f => f.GetProperty("name").GetString() is "delay" or "delayed");
    }

    [Fact]
    public async Task A_gate_that_must_fail_fails_and_says_which_check()
    {
        var spec = TrainingRun.Edit(TrainingRun.SpecJson, s => s["gates"]!["absolute"] = JsonSerializer.SerializeToNode(new[] { new { metric = "auc", min = 0.99 } }));

        var result = await TrainingRun.TrainAsync(January, Out("candidate"), spec);

        Assert.False(result.Gate.Passed);
        var failed = Assert.Single(result.Gate.Checks, c => !c.Passed);
        Assert.Equal(("absolute", "auc", 0.99), (failed.Kind, failed.Metric, failed.Limit));
    }

    [Fact]
    public async Task The_champion_is_scored_on_the_same_holdout_as_the_candidate()
    {
        var champion = await TrainingRun.TrainAsync(January, Out("champion"));

        var challenger = await TrainingRun.TrainAsync(January, Out("challenger"), champion: Out("champion"));

        // The champion's metrics in the challenger's run are exactly what it scored on its own (the same) holdout.
        Assert.Equal(champion.Candidate.Metrics, challenger.Champion!.Metrics);
        Assert.Contains(challenger.Gate.Checks, c => c.Kind == "champion" && c.Metric == MetricNames.Auc && c.Champion == champion.Candidate.Metrics[MetricNames.Auc]);
    }

    [Fact]
    public async Task A_worse_candidate_fails_the_champion_comparison()
    {
        var champion = await TrainingRun.TrainAsync(January, Out("champion"));
        var weaker = TrainingRun.Edit(TrainingRun.SpecJson, s =>
        {
            s["trainer"] = JsonSerializer.SerializeToNode(new { name = "LightGbm", hyperparameters = new { numberOfIterations = 2, numberOfLeaves = 2 } });
            s["gates"]!["champion"] = JsonSerializer.SerializeToNode(new[] { new { metric = "auc", minAbsoluteChange = 0.0 } });
            s["gates"]!["absolute"] = new System.Text.Json.Nodes.JsonArray();
        });

        var result = await TrainingRun.TrainAsync(January, Out("weaker"), weaker, champion: Out("champion"));

        var check = Assert.Single(result.Gate.Checks, c => c.Kind == "champion");
        Assert.False(check.Passed);
        Assert.True(check.Candidate < check.Champion);
        Assert.False(result.Gate.Passed);
    }

    [Theory]
    [InlineData("FastTree")]
    [InlineData("SdcaLogisticRegression")]
    public async Task Every_binary_trainer_exports_to_onnx_with_parity(string trainer)
    {
        var spec = TrainingRun.Edit(TrainingRun.SpecJson, s => s["trainer"] = JsonSerializer.SerializeToNode(new { name = trainer }));

        var result = await TrainingRun.TrainAsync(January, Out(trainer), spec);

        Assert.InRange(result.Parity.MaxAbsoluteDifference, 0, 1e-5);
        Assert.InRange(result.Candidate.Metrics[MetricNames.Auc], 0.55, 1.0);
    }

    [Fact]
    public async Task A_regression_model_on_delay_minutes_trains_and_exports_with_parity()
    {
        var contract = TrainingRun.Edit(TrainingRun.ContractJson, c =>
        {
            foreach (var column in c["columns"]!.AsArray())
            {
                if (column!["name"]!.GetValue<string>() == "delay") { column["role"] = "label"; }
                if (column["name"]!.GetValue<string>() == "delayed") { column["role"] = "ignore"; }
            }

            c["rules"]!.AsObject().Remove("labelRate");
        });
        var spec = TrainingRun.Edit(TrainingRun.SpecJson, s =>
        {
            s["task"] = "regression";
            s["gates"] = JsonSerializer.SerializeToNode(new { absolute = new[] { new { metric = "rmse", max = 1000.0 } } });
        });

        var result = await TrainingRun.TrainAsync(January, Out("regression"), spec, contract);

        Assert.True(result.Candidate.Metrics.ContainsKey(MetricNames.Rmse));
        Assert.InRange(result.Parity.MaxAbsoluteDifference, 0, 1e-3);
    }

    [Fact]
    public async Task A_random_split_with_the_same_seed_holds_out_the_same_rows()
    {
        var spec = TrainingRun.Edit(TrainingRun.SpecJson, s => s["split"] = JsonSerializer.SerializeToNode(new { kind = "random", holdoutFraction = 0.25 }));

        var first = await TrainingRun.TrainAsync(January, Out("first"), spec);
        var second = await TrainingRun.TrainAsync(January, Out("second"), spec);

        Assert.Equal(first.HoldoutRows, second.HoldoutRows);
        Assert.InRange((double)first.HoldoutRows / (first.HoldoutRows + first.TrainRows), 0.22, 0.28);
        Assert.Equal(first.Candidate.Metrics, second.Candidate.Metrics);
    }

    public void Dispose() => _files.Dispose();

    /// <summary>The probabilities the packaged ML.NET model gives the first 200 rows of January.</summary>
    private float[] HoldoutScores(string package)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(package, "model.zip"), out _);
        var rows = File.ReadLines(January).Skip(1).Take(200).Select(line =>
        {
            var f = line.Split(',');
            var date = DateTime.ParseExact(f[0], "yyyy-MM-dd HH:mm", null);
            return new ScoringRow { Distance = float.Parse(f[2]), Origin = f[3], Destination = f[4], Hour = date.Hour, DayOfWeek = (float)date.DayOfWeek };
        });
        return [.. ml.Data.CreateEnumerable<Scored>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).Select(s => s.Probability)];
    }

    private sealed class ScoringRow
    {
        [ColumnName("distance")] public float Distance { get; set; }
        [ColumnName("origin")] public string Origin { get; set; } = "";
        [ColumnName("destination")] public string Destination { get; set; } = "";
        [ColumnName("date_hour")] public float Hour { get; set; }
        [ColumnName("date_dayofweek")] public float DayOfWeek { get; set; }
    }

    private sealed class Scored
    {
        public float Probability { get; set; }
    }
}
