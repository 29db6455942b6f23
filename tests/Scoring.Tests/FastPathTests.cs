using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Scoring.Hosting;
using Mlops.Scoring.Model;
using Mlops.Scoring.Scoring;

namespace Mlops.Scoring.Tests;

/// <summary>The performance paths give the same answers as the plain ones: merged batches, dates, categories.</summary>
public sealed class FastPathTests(ScoringAppFixture fixture)
{
    private const string Format = "yyyy-MM-dd HH:mm";

    [Fact]
    public async Task A_merged_batch_gives_each_request_its_own_rows_scores()
    {
        var model = fixture.App.Services.GetRequiredService<ModelHost>().Serving!.Model;
        var parser = new ScoreRequestParser(model.Signature, 10);
        var requests = Enumerable.Range(0, 4).Select(i => parser.Parse(Body(fixture.Model.Holdout.Skip(i * 2).Take(i + 1)), out _)).ToList();
        // A long delay and a batch limit of exactly the rows sent: the batch is flushed when the last request arrives.
        await using var batcher = new MicroBatcher(model, new BatchingOptions { MaxBatchRows = 1 + 2 + 3 + 4, MaxQueueDelayMilliseconds = 100 });

        var scored = await Task.WhenAll(requests.Select(r => batcher.ScoreAsync(r, TestContext.Current.CancellationToken).AsTask()));

        Assert.Equal(1, batcher.Batches);
        Assert.Equal(4, batcher.Requests);
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(requests[i].Count, scored[i].Count);
            var alone = model.Score(requests[i]);
            Assert.Equal(alone.Values, scored[i].Batch.Values.AsSpan(scored[i].Offset, scored[i].Count).ToArray());
            Assert.Equal(alone.Labels, scored[i].Batch.Labels!.AsSpan(scored[i].Offset, scored[i].Count).ToArray());
        }
    }

    [Theory]
    [InlineData("2001-01-31 23:59")]
    [InlineData("2000-02-29 00:00")]
    [InlineData("2001-02-29 10:00")]
    [InlineData("2001-13-01 10:00")]
    [InlineData("2001-01-01 24:00")]
    [InlineData("2001-01-01 10:60")]
    [InlineData("0000-01-01 10:00")]
    [InlineData("2001-1-01 10:00")]
    [InlineData("2001-01-01T10:00")]
    [InlineData("2001-01-01 10:00 ")]
    [InlineData("2001-01-01 1a:00")]
    [InlineData("2001\\u002d01-01 10:00")]
    public void Dates_parse_exactly_as_TryParseExact_does(string json)
    {
        var parser = new ScoreRequestParser(FlightsTestModel.Signature, 10);
        var text = System.Text.Json.JsonSerializer.Deserialize<string>($"\"{json}\"")!;
        var expected = DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : (DateTime?)null;
        var body = Encoding.UTF8.GetBytes($$"""{"date":"{{json}}","distance":1,"origin":"LAX","destination":"SFO"}""");

        if (expected is { } value)
        {
            var parsed = parser.Parse(body, out _).Dates(0)[0];
            Assert.Equal(value, parsed);
            Assert.Equal(value.Kind, parsed.Kind);
        }
        else
        {
            var ex = Assert.Throws<ScoringRequestException>(() => parser.Parse(body, out _));
            Assert.Equal("date", ex.Field);
        }
    }

    [Fact]
    public void Category_values_are_read_once_and_shared_and_escapes_still_count()
    {
        var parser = new ScoreRequestParser(FlightsTestModel.Signature, 10);
        var body = Encoding.UTF8.GetBytes("""{"date":"2001-01-01 10:00","distance":1,"origin":"LAX","destination":"\u004cAX"}""");

        var first = parser.Parse(body, out _);
        var second = parser.Parse(body, out _);

        Assert.Equal("LAX", first.Text(2)[0]);
        Assert.Equal("LAX", first.Text(3)[0]);
        Assert.Same(first.Text(2)[0], second.Text(2)[0]);
    }

    private static byte[] Body(IEnumerable<FlightsTestModel.Row> rows) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(rows.Select(ScoringAppFixture.RequestRow));
}
