using Mlops.Pipeline.Data;
using Mlops.Pipeline.Data.Drift;
using Mlops.Pipeline.Data.Readers;
using Mlops.Pipeline.Tests.Support;
using Mlops.TestSupport;

namespace Mlops.Pipeline.Tests.Data;

/// <summary>Real data: the flights months 2001-01..03 (flights-20k split by month), with the flights contract.</summary>
public sealed class FlightsDataTests(SampleDataFixture samples)
{
    private async Task<(string Validation, string Profile, string Drift02, string Drift03)> RunAsync()
    {
        var contract = RepositoryFiles.FlightsContract();
        var cancellationToken = TestContext.Current.CancellationToken;
        var january = await DataInspector.InspectAsync(DataSet.FromPath(samples.PathOf("2001-01")), contract, cancellationToken: cancellationToken);
        var february = await DriftDetector.DetectAsync(january.Profile, DataSet.FromPath(samples.PathOf("2001-02")), cancellationToken: cancellationToken);
        var march = await DriftDetector.DetectAsync(january.Profile, DataSet.FromPath(samples.PathOf("2001-03")), cancellationToken: cancellationToken);
        return (january.Report.ToJson(), january.Profile.ToJson(), february.ToJson(), march.ToJson());
    }

    [Fact]
    public async Task January_passes_the_flights_contract()
    {
        var report = await DataInspector.ValidateAsync(DataSet.FromPath(samples.PathOf("2001-01")), RepositoryFiles.FlightsContract(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(report.Passed, string.Join("; ", report.Failures.Select(f => $"{f.Rule} {f.Column}: {f.Observed} vs {f.Limit}")));
    }

    [Fact]
    public async Task February_and_march_pass_against_januarys_learned_airports()
    {
        var contract = RepositoryFiles.FlightsContract();
        var reference = await DataInspector.ProfileAsync(DataSet.FromPath(samples.PathOf("2001-01")), contract, cancellationToken: TestContext.Current.CancellationToken);

        foreach (var month in new[] { "2001-02", "2001-03" })
        {
            var report = await DataInspector.ValidateAsync(DataSet.FromPath(samples.PathOf(month)), contract, reference, cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(report.Passed, month + ": " + string.Join("; ", report.Failures.Select(f => $"{f.Rule} {f.Column}: {f.Observed} vs {f.Limit}")));
            Assert.True(report.Find("column.categories", "origin")!.Observed!.GetValue<double>() < 0.01);
        }
    }

    [Fact]
    public async Task Later_months_do_not_drift_from_january()
    {
        var contract = RepositoryFiles.FlightsContract();
        var reference = await DataInspector.ProfileAsync(DataSet.FromPath(samples.PathOf("2001-01")), contract, cancellationToken: TestContext.Current.CancellationToken);

        var report = await DriftDetector.DetectAsync(reference, DataSet.FromPath(samples.PathOf("2001-03")), cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(report.Drifted);
        Assert.Equal(["distance", "origin", "destination"], report.Features.Select(f => f.Column));
        Assert.All(report.Features, f => Assert.True(f.Psi < 0.1, $"{f.Column}: PSI {f.Psi}"));
        Assert.Equal(10, reference.Column("distance")!.Numeric!.Counts.Count);
    }

    [Fact]
    public async Task Reports_and_profiles_are_byte_identical_across_runs()
    {
        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Every_month_so_far_reads_as_one_data_set_by_prefix()
    {
        var all = DataSet.FromPath(Path.Combine(samples.Directory, "flights-2001-"));

        var profile = await DataInspector.ProfileAsync(all, RepositoryFiles.FlightsContract(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["flights-2001-01.csv", "flights-2001-02.csv", "flights-2001-03.csv"], all.Parts.Select(p => p.Name));
        Assert.Equal(samples.Months.Sum(m => m.Rows), profile.Rows);
        Assert.Equal(samples.Months.Sum(m => m.Delayed), profile.Label!.Positives);
    }
}
