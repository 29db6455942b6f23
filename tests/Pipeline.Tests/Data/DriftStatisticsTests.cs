using Mlops.Pipeline.Data.Drift;
using Mlops.Pipeline.Data.Profiling;

namespace Mlops.Pipeline.Tests.Data;

public sealed class DriftStatisticsTests
{
    [Fact]
    public void Psi_of_identical_distributions_is_zero() =>
        Assert.Equal(0, DriftStatistics.PopulationStabilityIndex([10, 20, 30, 0], [20, 40, 60, 0]));

    [Fact]
    public void Psi_of_a_known_shift_matches_the_formula()
    {
        // (0.7 - 0.5) ln(0.7 / 0.5) + (0.3 - 0.5) ln(0.3 / 0.5) = 0.0672944 + 0.1021651
        Assert.Equal(0.1694595, DriftStatistics.PopulationStabilityIndex([50, 50], [70, 30]), 6);
    }

    [Fact]
    public void Psi_raises_an_empty_bin_to_epsilon()
    {
        // (0.5 - 1) ln(0.5 / 1) + (0.5 - 0.0001) ln(0.5 / 0.0001)
        Assert.Equal(4.6043185, DriftStatistics.PopulationStabilityIndex([100, 0], [50, 50], epsilon: 1e-4), 6);
    }

    [Fact]
    public void Jensen_shannon_distance_is_zero_for_equal_and_one_for_disjoint()
    {
        Assert.Equal(0, DriftStatistics.JensenShannonDistance([1, 2, 3], [2, 4, 6]), 12);
        Assert.Equal(1, DriftStatistics.JensenShannonDistance([1, 0], [0, 1]), 12);
    }

    [Fact]
    public void Jensen_shannon_distance_of_a_known_pair_matches_the_formula()
    {
        // P = (0.5, 0.5), Q = (1, 0), M = (0.75, 0.25):
        // JSD = 0.5 (0.5 log2(0.5/0.75) + 0.5 log2(0.5/0.25)) + 0.5 (1 log2(1/0.75)) = 0.3112781
        Assert.Equal(Math.Sqrt(0.3112781), DriftStatistics.JensenShannonDistance([1, 1], [1, 0]), 6);
    }

    [Fact]
    public void Ks_statistic_of_two_small_samples_matches_the_hand_computed_value()
    {
        // X = {1,2,3,4,5}, Y = {3,4,5,6,7}, one bin per value 1..7: the CDFs differ most at 2 (0.4 vs 0).
        Assert.Equal(0.4, DriftStatistics.KolmogorovSmirnov([1, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1]), 12);
    }

    [Theory]
    [InlineData(1.224, 0.10)]
    [InlineData(1.358, 0.05)]
    [InlineData(1.628, 0.01)]
    public void Kolmogorov_distribution_matches_the_textbook_critical_values(double lambda, double alpha) =>
        Assert.Equal(alpha, DriftStatistics.KolmogorovQ(lambda), 3);

    [Fact]
    public void Quantile_edges_split_ten_values_into_five_equal_bins()
    {
        var distribution = Enumerable.Range(1, 10).Select(v => new KeyValuePair<double, long>(v, 1)).ToList();

        var edges = NumericColumn.QuantileEdges(distribution, 10, 5);

        Assert.Equal([2, 4, 6, 8], edges);
        Assert.Equal(0, NumericColumn.BinOf(edges, 2));
        Assert.Equal(1, NumericColumn.BinOf(edges, 2.5));
        Assert.Equal(4, NumericColumn.BinOf(edges, 100));
    }

    [Fact]
    public void Quantile_edges_merge_heavy_ties()
    {
        var distribution = new List<KeyValuePair<double, long>> { new(1, 90), new(2, 10) };

        Assert.Equal([1], NumericColumn.QuantileEdges(distribution, 100, 10));
    }
}
