using Mlops.Pipeline.Data;
using Mlops.Pipeline.Data.Drift;
using Mlops.Pipeline.Data.Profiling;
using Mlops.Pipeline.Data.Readers;
using Mlops.Pipeline.Tests.Support;

namespace Mlops.Pipeline.Tests.Data;

public sealed class ProfileAndDriftTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Write(string name, IEnumerable<int> xs, string category = "a") =>
        _files.Write(name, SmallContract.Header + "\n" + string.Concat(xs.Select((x, i) => $"{x},{i},{(i % 3 == 0 ? "b" : category)},{(i % 2 == 0 ? "true" : "false")}\n")));

    [Fact]
    public async Task A_reference_profile_has_quantile_bins_category_counts_and_label_counts()
    {
        var path = Write("ref.csv", Enumerable.Range(1, 10));

        var profile = await DataInspector.ProfileAsync(DataSet.FromPath(path), SmallContract.Parse(), new ProfileOptions { Bins = 5 }, TestContext.Current.CancellationToken);

        var x = profile.Column("x")!.Numeric!;
        Assert.Equal([2, 4, 6, 8], x.Edges);
        Assert.Equal([2, 2, 2, 2, 2], x.Counts);
        Assert.Equal(5.5, x.Mean);
        Assert.Equal([new CategoryCount("a", 6), new CategoryCount("b", 4)], profile.Column("c")!.Categorical!.Categories);
        Assert.Equal(0.5, profile.Label!.Rate);
        Assert.Equal(10, profile.Rows);
    }

    [Fact]
    public async Task Too_many_distinct_values_take_a_counting_pass_with_the_same_counts()
    {
        var path = Write("ref.csv", Enumerable.Range(1, 10));
        var data = DataSet.FromPath(path);

        var exact = await DataInspector.ProfileAsync(data, SmallContract.Parse(), new ProfileOptions { Bins = 5 }, TestContext.Current.CancellationToken);
        var sampled = await DataInspector.ProfileAsync(data, SmallContract.Parse(), new ProfileOptions { Bins = 5, ExactDistinctLimit = 3 }, TestContext.Current.CancellationToken);

        Assert.Equal(exact.ToJson(), sampled.ToJson());
    }

    [Fact]
    public async Task Categories_beyond_the_limit_are_counted_as_other()
    {
        var path = _files.Write("many.csv", SmallContract.Header + "\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"1,1,v{i},{(i % 2 == 0 ? "true" : "false")}\n")));
        var contract = Mlops.Pipeline.Data.Contracts.DataContractParser.Parse(SmallContract.Json.Replace("\"categories\": [\"a\", \"b\", \"c\"], \"maxUnseenShare\": 0", "\"categories\": \"learned\"", StringComparison.Ordinal));

        var profile = await DataInspector.ProfileAsync(DataSet.FromPath(path), contract, new ProfileOptions { MaxCategories = 10 }, TestContext.Current.CancellationToken);

        var c = profile.Column("c")!.Categorical!;
        Assert.Equal(10, c.Categories.Count);
        Assert.Equal(40, c.Other);
        Assert.False(c.Complete);
    }

    [Fact]
    public async Task A_profile_survives_a_json_round_trip()
    {
        var profile = await DataInspector.ProfileAsync(DataSet.FromPath(Write("ref.csv", Enumerable.Range(1, 10))), SmallContract.Parse(), cancellationToken: TestContext.Current.CancellationToken);

        var json = profile.ToJson();

        Assert.Equal(json, DataProfile.FromJson(json).ToJson());
    }

    [Fact]
    public async Task Data_compared_with_its_own_profile_has_no_drift()
    {
        var data = DataSet.FromPath(Write("ref.csv", Enumerable.Range(1, 100)));
        var reference = await DataInspector.ProfileAsync(data, SmallContract.Parse(), cancellationToken: TestContext.Current.CancellationToken);

        var report = await DriftDetector.DetectAsync(reference, data, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(report.Drifted);
        Assert.All(report.Features, f => Assert.Equal(0, f.Psi));
        Assert.All(report.Features, f => Assert.Equal(DriftVerdict.Stable, f.Verdict));
    }

    [Fact]
    public async Task A_shifted_numeric_feature_and_a_new_category_mix_drift_majorly()
    {
        var reference = await DataInspector.ProfileAsync(DataSet.FromPath(Write("ref.csv", Enumerable.Range(1, 100))), SmallContract.Parse(), cancellationToken: TestContext.Current.CancellationToken);

        var report = await DriftDetector.DetectAsync(reference, DataSet.FromPath(Write("cur.csv", Enumerable.Range(51, 100), category: "c")), cancellationToken: TestContext.Current.CancellationToken);

        var x = report.Features.Single(f => f.Column == "x");
        Assert.Equal(DriftVerdict.Major, x.Verdict);
        Assert.Equal(0.5, x.KolmogorovSmirnov!.Value, 12); // half the current values lie above every reference value
        Assert.Equal(DriftVerdict.Major, report.Features.Single(f => f.Column == "c").Verdict);
        Assert.True(report.Drifted);
    }

    [Fact]
    public void Profiles_on_different_edges_cannot_be_compared()
    {
        static DataProfile Profile(double edge) => new()
        {
            Contract = System.Text.Json.Nodes.JsonNode.Parse(SmallContract.Json)!,
            Columns = [new ColumnProfile("x", Mlops.Pipeline.Data.Contracts.ColumnType.Number, Mlops.Pipeline.Data.Contracts.ColumnRole.Feature, 0, 0, new NumericProfile([edge], [1, 1], 0, 1, 0.5), null)],
        };

        Assert.Throws<ArgumentException>(() => DriftDetector.Compare(Profile(1), Profile(2)));
    }
}
