using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;

namespace Mlops.Scoring.Tests;

/// <summary>The app's own metrics (Prometheus text on /metrics) count exactly what was sent.</summary>
public sealed partial class TelemetryTests(ScoringAppFixture fixture)
{
    [Fact]
    public async Task Request_row_and_bin_counts_equal_what_was_sent()
    {
        var (_, client) = await fixture.StartAppAsync(fixture.GoodVersion.ToString(), new Dictionary<string, string?> { ["Scoring:SlotName"] = "telemetry" });
        var singles = fixture.Model.Holdout.Take(7).ToList();
        var batch = fixture.Model.Holdout.Skip(7).Take(50).ToList();
        foreach (var row in singles)
        {
            (await client.PostAsJsonAsync("/score", ScoringAppFixture.RequestRow(row), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        (await client.PostAsJsonAsync("/score", batch.Select(ScoringAppFixture.RequestRow), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        using var bad = new StringContent("{\"distance\":1}", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/score", bad, TestContext.Current.CancellationToken)).StatusCode);

        var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        var sent = singles.Concat(batch).ToList();
        Assert.Equal(singles.Count + 1, Sum(metrics, "telemetry", "mlops_scoring_requests_total", "outcome=\"success\""));
        Assert.Equal(1, Sum(metrics, "telemetry", "mlops_scoring_requests_total", "outcome=\"bad_request\""));
        Assert.Equal(sent.Count, Sum(metrics, "telemetry", "mlops_scoring_rows_total"));
        Assert.Equal(sent.Count, Sum(metrics, "telemetry", "mlops_scoring_prediction_bin_total"));
        Assert.Equal(sent.Count, Sum(metrics, "telemetry", "mlops_scoring_input_bin_total", "feature=\"distance\""));
        // Bins come from the training profile the pipeline packaged: (-inf, e0], (e0, e1], ..., (e_last, +inf).
        var edges = fixture.Model.PackagedSignature.Telemetry.NumericBins["distance"];
        for (var bin = 0; bin <= edges.Length; bin++)
        {
            var low = bin == 0 ? double.NegativeInfinity : edges[bin - 1];
            var high = bin == edges.Length ? double.PositiveInfinity : edges[bin];
            Assert.Equal(sent.Count(r => r.Distance > low && r.Distance <= high), Sum(metrics, "telemetry", "mlops_scoring_input_bin_total", "feature=\"distance\"", $"bin=\"{bin}\""));
        }

        var origins = fixture.Model.PackagedSignature.Telemetry.Categories["origin"];
        Assert.Equal(sent.Count(r => r.Origin == origins[0]), Sum(metrics, "telemetry", "mlops_scoring_input_bin_total", "feature=\"origin\"", $"bin=\"{origins[0]}\""));
        Assert.Equal(sent.Count(r => !origins.Contains(r.Origin)), Sum(metrics, "telemetry", "mlops_scoring_input_bin_total", "feature=\"origin\"", "bin=\"other\""));
    }

    [Fact]
    public async Task The_fault_switch_fails_requests_on_purpose_and_counts_them_as_faults()
    {
        var (_, client) = await fixture.StartAppAsync(fixture.GoodVersion.ToString(), new Dictionary<string, string?>
        {
            ["Scoring:SlotName"] = "faulty",
            ["Scoring:Faults:FailureRate"] = "1",
        });

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.PostAsJsonAsync("/score", ScoringAppFixture.RequestRow(fixture.Model.Holdout[i]), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Contains("Injected fault", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(5, Sum(metrics, "faulty", "mlops_scoring_requests_total", "outcome=\"fault\""));
        Assert.Equal(0, Sum(metrics, "faulty", "mlops_scoring_requests_total", "outcome=\"success\""));
    }

    /// <summary>
    /// Sums the samples of one metric whose labels contain every given label. Each app instance in this test
    /// process has its own slot name, because the OpenTelemetry exporter of one sees the meters of all.
    /// </summary>
    private static double Sum(string prometheusText, string slot, string metric, params string[] labels) =>
        prometheusText.Split('\n')
            .Select(line => SampleLine().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == metric
                && labels.Append($"slot=\"{slot}\"").All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\}\s+(?<value>[-+0-9.eE]+|NaN)")]
    private static partial Regex SampleLine();
}
