using Mlops.Pipeline.Data.Profiling;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Data.Drift;

/// <summary>Compares current data with a reference profile, feature by feature, on the reference's bins.</summary>
public static class DriftDetector
{
    /// <summary>Profiles <paramref name="data"/> on the reference's layout (one pass) and compares.</summary>
    public static async Task<DriftReport> DetectAsync(DataProfile reference, DataSet data, DriftThresholds? thresholds = null, CancellationToken cancellationToken = default)
    {
        var current = await DataInspector.ProfileAgainstAsync(data, reference, cancellationToken);
        return Compare(reference, current, thresholds);
    }

    /// <summary>Compares two profiles made on the same layout (<see cref="DataInspector.ProfileAgainstAsync"/>).</summary>
    public static DriftReport Compare(DataProfile reference, DataProfile current, DriftThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        thresholds ??= new DriftThresholds();
        thresholds.Validate();
        var features = new List<FeatureDrift>();
        foreach (var column in reference.Columns)
        {
            var other = current.Column(column.Name) ?? throw new ArgumentException($"The current profile has no column '{column.Name}'.", nameof(current));
            if (column.Numeric is { } numeric)
            {
                var now = other.Numeric ?? throw new ArgumentException($"Column '{column.Name}' is not numeric in the current profile.", nameof(current));
                if (!numeric.Edges.SequenceEqual(now.Edges))
                {
                    throw new ArgumentException($"Column '{column.Name}': the profiles have different bin edges; profile current data against the reference.", nameof(current));
                }

                var ks = DriftStatistics.KolmogorovSmirnov(numeric.Counts, now.Counts);
                features.Add(Feature(column.Name, "numeric", numeric.Counts, now.Counts, ks,
                    DriftStatistics.KolmogorovSmirnovPValue(ks, numeric.Total, now.Total), thresholds));
            }
            else if (column.Categorical is { } categorical)
            {
                var now = other.Categorical ?? throw new ArgumentException($"Column '{column.Name}' is not categorical in the current profile.", nameof(current));
                var (referenceCounts, currentCounts) = CategoryBins(categorical, now, thresholds.TopCategories);
                features.Add(Feature(column.Name, "categorical", referenceCounts, currentCounts, null, null, thresholds));
            }
        }

        var drifted = features.Count(f => f.Verdict != DriftVerdict.Stable);
        var share = features.Count == 0 ? 0 : (double)drifted / features.Count;
        var label = reference.Label is { } then ? new LabelDrift(then.Column, then.Rate, current.Label?.Rate) : null;
        return new DriftReport(features.Count > 0 && share >= thresholds.DriftedFeatureShare, share, thresholds, reference.Rows, current.Rows, features, label);
    }

    private static FeatureDrift Feature(string name, string kind, IReadOnlyList<long> reference, IReadOnlyList<long> current, double? ks, double? ksPValue, DriftThresholds thresholds)
    {
        var psi = DriftStatistics.PopulationStabilityIndex(reference, current, thresholds.Epsilon);
        var verdict = psi >= thresholds.PsiMajor ? DriftVerdict.Major : psi >= thresholds.PsiModerate ? DriftVerdict.Moderate : DriftVerdict.Stable;
        return new FeatureDrift(name, kind, psi, DriftStatistics.JensenShannonDistance(reference, current), ks, ksPValue, verdict, reference.Sum(), current.Sum());
    }

    /// <summary>The reference's top categories one by one, everything else (rarer known values and unseen ones) as "other".</summary>
    private static (long[] Reference, long[] Current) CategoryBins(CategoricalProfile reference, CategoricalProfile current, int top)
    {
        var currentByValue = current.Categories.ToDictionary(c => c.Value, c => c.Count, StringComparer.Ordinal);
        var ranked = reference.Categories.OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal).ToList();
        var kept = ranked.Take(top).ToList();
        var referenceCounts = new long[kept.Count + 1];
        var currentCounts = new long[kept.Count + 1];
        for (var i = 0; i < kept.Count; i++)
        {
            referenceCounts[i] = kept[i].Count;
            currentCounts[i] = currentByValue.GetValueOrDefault(kept[i].Value);
        }

        referenceCounts[^1] = reference.Total - referenceCounts.Sum();
        currentCounts[^1] = current.Total - currentCounts.Sum();
        return (referenceCounts, currentCounts);
    }
}
