using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Tests.Support;
using Mlops.Pipeline.Training;
using Mlops.TestSupport;

namespace Mlops.Pipeline.Tests.Training;

/// <summary>Everything wrong with a spec, the data or the champion is a clear error before training starts.</summary>
public sealed class TrainingBadInputTests(SampleDataFixture samples) : IDisposable
{
    private readonly TestFiles _files = new();
    private readonly DataContract _contract = DataContractParser.Parse(TrainingRun.ContractJson);

    private string Out => Path.Combine(_files.Directory, "candidate");

    [Theory]
    [InlineData("features.columns", """{"features":{"columns":["carrier"]}}""", "'carrier' is not a column")]
    [InlineData("features.columns", """{"features":{"columns":["delay"]}}""", "role ignore")]
    [InlineData("trainer.name", """{"trainer":{"name":"XgBoost"}}""", "unknown trainer 'XgBoost'")]
    [InlineData("trainer.hyperparameters.depth", """{"trainer":{"name":"LightGbm","hyperparameters":{"depth":3}}}""", "not a LightGbm option")]
    [InlineData("task", """{"task":"regression"}""", "needs a number or integer label")]
    [InlineData("split", """{"split":{"kind":"time","holdoutFraction":0.2,"holdoutFrom":"2001-01-20"}}""", "exactly one of")]
    [InlineData("split.holdoutFraction", """{"split":{"kind":"random","holdoutFraction":1.5}}""", "between 0 and 1")]
    [InlineData("gates.absolute[0].metric", """{"gates":{"absolute":[{"metric":"rmse","max":1}]}}""", "not a binaryClassification metric")]
    [InlineData("features.dateParts.distance", """{"features":{"dateParts":{"distance":["hour"]}}}""", "not a datetime column")]
    [InlineData("model", """{"model":"Flights!"}""", "not a model name")]
    public void A_spec_that_cannot_train_is_refused_naming_the_key(string key, string patch, string message)
    {
        var spec = Merge(TrainingRun.SpecJson, patch);

        var error = Assert.Throws<TrainingSpecException>(() => TrainingSpecParser.Parse(spec, _contract));

        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_in_the_spec_is_refused_naming_it()
    {
        var spec = Merge(TrainingRun.SpecJson, """{"trainer":{"name":"LightGbm","learningrate":0.1}}""");

        var error = Assert.Throws<TrainingSpecException>(() => TrainingSpecParser.Parse(spec, _contract));

        Assert.Contains("learningrate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_one_class_label_is_refused_before_training()
    {
        var data = _files.Write("one-class.csv", string.Join('\n', File.ReadLines(samples.PathOf("2001-01")).Select((l, i) => i == 0 ? l : l[..l.LastIndexOf(',')] + ",false")));
        var contract = TrainingRun.Edit(TrainingRun.ContractJson, c => c["rules"]!.AsObject().Remove("labelRate"));

        var error = await Assert.ThrowsAsync<TrainingSpecException>(() => TrainingRun.TrainAsync(data, Out, contractJson: contract));

        Assert.Equal("data", error.Key);
        Assert.Contains("label.class", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public async Task An_empty_holdout_is_refused_before_training()
    {
        var spec = Merge(TrainingRun.SpecJson, """{"split":{"kind":"time","holdoutFrom":"2001-03-01"}}""");

        var error = await Assert.ThrowsAsync<TrainingSpecException>(() => TrainingRun.TrainAsync(samples.PathOf("2001-01"), Out, spec));

        Assert.Equal("split", error.Key);
        Assert.Contains("holdout is empty", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public async Task A_champion_trained_under_another_contract_is_refused_before_training()
    {
        var champion = Path.Combine(_files.Directory, "champion");
        Directory.CreateDirectory(champion);
        File.WriteAllText(Path.Combine(champion, "model.zip"), "not read");
        File.WriteAllText(Path.Combine(champion, "candidate.json"), """{"model":"flights","contract":{"sha256":"0000"}}""");

        var error = await Assert.ThrowsAsync<TrainingSpecException>(() => TrainingRun.TrainAsync(samples.PathOf("2001-01"), Out, champion: champion));

        Assert.Equal("--champion", error.Key);
        Assert.Contains("different data contract", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public async Task Data_that_fails_its_contract_is_refused_before_training()
    {
        var data = _files.Write("bad.csv", string.Join('\n', File.ReadLines(samples.PathOf("2001-01")).Take(2000).Select((l, i) => i == 5 ? l.Replace(",LAX,", ",,", StringComparison.Ordinal).Replace("2001-01", "abc", StringComparison.Ordinal) : l)));

        var error = await Assert.ThrowsAsync<TrainingSpecException>(() => TrainingRun.TrainAsync(data, Out));

        Assert.Equal("data", error.Key);
        Assert.False(Directory.Exists(Out));
    }

    public void Dispose() => _files.Dispose();

    private static string Merge(string json, string patch)
    {
        var target = JsonNode.Parse(json)!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject())
        {
            target[key] = value?.DeepClone();
        }

        return target.ToJsonString();
    }
}
