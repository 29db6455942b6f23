using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mlops.Scoring.Hosting;

namespace Mlops.Scoring.Tests;

public sealed class ScoreEndpointTests(ScoringAppFixture fixture)
{
    private const double Tolerance = 1e-5;

    [Fact]
    public async Task Batch_scores_equal_the_MLNET_scores_of_the_same_rows()
    {
        var holdout = fixture.Model.Holdout;
        for (var start = 0; start < holdout.Count; start += 400)
        {
            var rows = holdout.Skip(start).Take(400).ToList();

            using var response = await fixture.Client.PostAsJsonAsync("/score", rows.Select(ScoringAppFixture.RequestRow), TestContext.Current.CancellationToken);

            response.EnsureSuccessStatusCode();
            var predictions = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("predictions");
            Assert.Equal(rows.Count, predictions.GetArrayLength());
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.Equal(fixture.Model.HoldoutProbabilities[start + i], predictions[i].GetProperty("probability").GetSingle(), Tolerance);
            }
        }
    }

    [Fact]
    public async Task Concurrent_single_rows_each_get_their_own_MLNET_score()
    {
        // Sixteen requests at a time, so the micro-batcher merges them into shared ONNX Runtime calls.
        var indices = Enumerable.Range(0, 160).ToList();
        var scores = new float[indices.Count];
        await Parallel.ForEachAsync(indices, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = TestContext.Current.CancellationToken }, async (i, ct) =>
        {
            using var response = await fixture.Client.PostAsJsonAsync("/score", ScoringAppFixture.RequestRow(fixture.Model.Holdout[i]), ct);
            response.EnsureSuccessStatusCode();
            scores[i] = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("probability").GetSingle();
        });

        foreach (var i in indices)
        {
            Assert.Equal(fixture.Model.HoldoutProbabilities[i], scores[i], Tolerance);
        }
    }

    [Fact]
    public async Task The_answer_names_the_model_and_version_in_body_and_headers()
    {
        using var response = await fixture.Client.PostAsJsonAsync("/score", ScoringAppFixture.RequestRow(fixture.Model.Holdout[0]), TestContext.Current.CancellationToken);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("flights", body.GetProperty("model").GetString());
        Assert.Equal(fixture.GoodVersion.ToString(), body.GetProperty("version").GetString());
        Assert.Equal(fixture.GoodVersion.ToString(), response.Headers.GetValues(ScoringEndpoints.ModelVersionHeader).Single());
        Assert.Equal("flights", response.Headers.GetValues(ScoringEndpoints.ModelNameHeader).Single());
        Assert.IsType<bool>(body.GetProperty("label").GetBoolean());
    }

    [Fact]
    public async Task Ready_reports_the_version_served_and_model_describes_it()
    {
        var ready = await fixture.Client.GetFromJsonAsync<JsonElement>("/health/ready", TestContext.Current.CancellationToken);
        var model = await fixture.Client.GetFromJsonAsync<JsonElement>("/model", TestContext.Current.CancellationToken);
        using var live = await fixture.Client.GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal(fixture.GoodVersion.ToString(), ready.GetProperty("version").GetString());
        Assert.Equal("binaryClassification", model.GetProperty("task").GetString());
        Assert.Equal(4, model.GetProperty("features").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
