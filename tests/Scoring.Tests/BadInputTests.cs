using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Mlops.Scoring.Tests;

/// <summary>Every kind of bad request is a 4xx ProblemDetails naming where the problem is; never a 500.</summary>
public sealed class BadInputTests(ScoringAppFixture fixture)
{
    private const string Good = """{"date":"2001-01-05 13:10","distance":500,"origin":"LAX","destination":"SFO"}""";

    [Theory]
    [InlineData("""{"date":"2001-01-05 13:10","distance":500,"origin":"LAX","destination":"SFO","carrier":"AA"}""", "carrier", null, "Unknown field")]
    [InlineData("""{"date":"2001-01-05 13:10","origin":"LAX","destination":"SFO"}""", "distance", null, "missing")]
    [InlineData("""{"date":"2001-01-05 13:10","distance":"far","origin":"LAX","destination":"SFO"}""", "distance", null, "must be an integer")]
    [InlineData("""{"date":"2001-01-05 13:10","distance":null,"origin":"LAX","destination":"SFO"}""", "distance", null, "must be an integer")]
    [InlineData("""{"date":"2001-01-05 13:10","distance":500.5,"origin":"LAX","destination":"SFO"}""", "distance", null, "must be an integer")]
    [InlineData("""{"date":"2001-01-05 13:10","distance":500,"origin":7,"destination":"SFO"}""", "origin", null, "must be a string")]
    [InlineData("""{"date":"05/01/2001","distance":500,"origin":"LAX","destination":"SFO"}""", "date", null, "yyyy-MM-dd HH:mm")]
    [InlineData("""{"date":"2001-01-05 13:10","distance":500,"distance":600,"origin":"LAX","destination":"SFO"}""", "distance", null, "twice")]
    [InlineData("""[{"date":"2001-01-05 13:10","distance":500,"origin":"LAX","destination":"SFO"},{"date":"2001-01-05 13:10","distance":500,"origin":"LAX","destination":{"code":"SFO"}}]""", "destination", 1, "must be a string")]
    [InlineData("""[{"date":"2001-01-05 13:10","distance":500,"origin":"LAX","destination":"SFO"}, 5]""", null, 1, "must be an object")]
    public async Task A_bad_field_is_a_400_naming_row_and_field(string body, string? field, int? row, string message)
    {
        var problem = await PostExpectingAsync(body, HttpStatusCode.BadRequest);

        Assert.Contains(message, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        if (row is not null)
        {
            Assert.Equal(row, problem.GetProperty("row").GetInt32());
        }
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("[]", "empty")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("42", "Number")]
    [InlineData(Good + " {}", "after a single JSON value")]
    [InlineData("""{"date":"2001-01-05 13:10","distance":500,"origin":"LAX","destination":"SFO\""", "not valid JSON")]
    public async Task A_body_that_is_not_rows_is_a_400_saying_why(string body, string message)
    {
        var problem = await PostExpectingAsync(body, HttpStatusCode.BadRequest);

        Assert.Contains(message, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_rows_than_the_limit_is_a_400_naming_the_limit()
    {
        var body = "[" + string.Join(',', Enumerable.Repeat(Good, 501)) + "]";

        var problem = await PostExpectingAsync(body, HttpStatusCode.BadRequest);

        Assert.Contains("more than 500 rows", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(500, problem.GetProperty("row").GetInt32());
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_refused_before_parsing()
    {
        var body = "[" + string.Join(',', Enumerable.Repeat(Good, 20_000)) + "]";

        var problem = await PostExpectingAsync(body, HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("larger than", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> PostExpectingAsync(string body, HttpStatusCode expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await fixture.Client.PostAsync("/score", content, TestContext.Current.CancellationToken);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }
}
