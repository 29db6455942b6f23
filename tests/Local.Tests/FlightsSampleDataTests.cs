using System.Text.Json;
using Mlops.Local.Samples;
using Mlops.TestSupport;

namespace Mlops.Local.Tests;

/// <summary>The monthly CSV data sets against their source, flights-20k.json, read independently here.</summary>
public sealed class FlightsSampleDataTests(SampleDataFixture samples)
{
    [Fact]
    public void Each_month_has_exactly_the_rows_the_source_has_for_it()
    {
        var expected = SourceRows().GroupBy(r => r.Month).ToDictionary(g => g.Key, g => g.Count());

        foreach (var month in FlightsSampleData.DefaultMonths)
        {
            Assert.Equal(expected[month], CsvRows(samples.PathOf(month)).Count);
        }
    }

    [Fact]
    public void No_row_is_lost_or_duplicated_against_the_source()
    {
        var source = SourceRows().Where(r => FlightsSampleData.DefaultMonths.Contains(r.Month)).Select(r => r.Line).Order(StringComparer.Ordinal);
        var written = FlightsSampleData.DefaultMonths.SelectMany(m => CsvRows(samples.PathOf(m))).Order(StringComparer.Ordinal);

        Assert.Equal(source, written);
    }

    [Fact]
    public void The_label_is_delay_over_15_minutes_and_its_rate_matches_the_source()
    {
        foreach (var sample in samples.Months)
        {
            var sourceMonth = SourceRows().Where(r => r.Month == sample.Month).ToList();
            var expectedRate = (double)sourceMonth.Count(r => r.Delay > 15) / sourceMonth.Count;
            var rows = CsvRows(sample.Path).Select(line => line.Split(',')).ToList();

            Assert.All(rows, fields => Assert.Equal(long.Parse(fields[1]) > 15 ? "true" : "false", fields[5]));
            Assert.Equal(expectedRate, (double)rows.Count(f => f[5] == "true") / rows.Count, precision: 12);
            Assert.Equal(expectedRate, sample.LabelRate, precision: 12);
        }
    }

    [Fact]
    public async Task A_row_limit_gives_a_seeded_sample_of_source_rows_in_source_order()
    {
        var first = await WriteSampleAsync(rows: 500, seed: 7);
        var again = await WriteSampleAsync(rows: 500, seed: 7);
        var otherSeed = await WriteSampleAsync(rows: 500, seed: 8);
        var sourceOrder = SourceRows().Select((r, i) => (r.Line, i)).GroupBy(x => x.Line).ToDictionary(g => g.Key, g => g.First().i);

        foreach (var month in FlightsSampleData.DefaultMonths)
        {
            var rows = CsvRows(Path.Combine(first, FlightsSampleData.FileName(month)));
            Assert.Equal(500, rows.Count);
            Assert.All(rows, row => Assert.True(sourceOrder.ContainsKey(row), $"not in the source: {row}"));
            Assert.Equal(rows.OrderBy(r => sourceOrder[r]), rows);
            Assert.Equal(rows, CsvRows(Path.Combine(again, FlightsSampleData.FileName(month))));
            Assert.NotEqual(rows, CsvRows(Path.Combine(otherSeed, FlightsSampleData.FileName(month))));
        }
    }

    [Fact]
    public async Task A_month_without_source_rows_gives_an_empty_data_set_and_no_partial_files()
    {
        var folder = Directory.CreateTempSubdirectory("mlops-samples-").FullName;
        var results = await FlightsSampleData.WriteMonthlyCsvAsync(
            FlightsSource.ReadAsync(FlightsSource.PathOf(samples.Toolchain, FlightsSourceKind.Flights20k), TestContext.Current.CancellationToken),
            folder, ["2001-03", "2001-04"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, results.Single(r => r.Month == "2001-04").Rows);
        Assert.Empty(Directory.GetFiles(folder, "*.partial"));
    }

    [Theory]
    [InlineData("2001-13")]
    [InlineData("January")]
    public async Task A_malformed_month_is_refused_before_anything_is_written(string month)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"mlops-samples-{Guid.NewGuid():N}");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => FlightsSampleData.WriteMonthlyCsvAsync(
            FlightsSource.ReadAsync(FlightsSource.PathOf(samples.Toolchain, FlightsSourceKind.Flights20k), TestContext.Current.CancellationToken),
            folder, [month], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains(month, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    private async Task<string> WriteSampleAsync(int rows, int seed)
    {
        var folder = Directory.CreateTempSubdirectory("mlops-samples-").FullName;
        await FlightsSampleData.WriteMonthlyCsvAsync(
            FlightsSource.ReadAsync(FlightsSource.PathOf(samples.Toolchain, FlightsSourceKind.Flights20k), TestContext.Current.CancellationToken),
            folder, maxRowsPerMonth: rows, seed: seed, cancellationToken: TestContext.Current.CancellationToken);
        return folder;
    }

    private static List<string> CsvRows(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.Equal(FlightsSampleData.Header, lines[0]);
        return [.. lines.Skip(1)];
    }

    private sealed record SourceRow(string Month, long Delay, string Line);

    /// <summary>The source file parsed with JsonDocument, not with the code under test.</summary>
    private List<SourceRow> SourceRows()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(FlightsSource.PathOf(samples.Toolchain, FlightsSourceKind.Flights20k)));
        return [.. document.RootElement.EnumerateArray().Select(e =>
        {
            var date = e.GetProperty("date").GetString()!; // "2001/01/01 00:47"
            var delay = e.GetProperty("delay").GetInt64();
            var line = $"{date.Replace('/', '-')},{delay},{e.GetProperty("distance").GetInt64()},{e.GetProperty("origin").GetString()},{e.GetProperty("destination").GetString()},{(delay > 15 ? "true" : "false")}";
            return new SourceRow(date[..7].Replace('/', '-'), delay, line);
        })];
    }
}
