using System.Text.Json;

namespace Mlops.Pipeline.Data.Drift;

public enum DriftVerdict
{
    Stable,
    Moderate,
    Major,
}

/// <summary>When a feature and a data set count as drifted. Defaults are the usual PSI rule of thumb.</summary>
public sealed record DriftThresholds
{
    /// <summary>PSI from which a feature has moderately drifted (and counts as drifted).</summary>
    public double PsiModerate { get; init; } = 0.1;

    /// <summary>PSI from which a feature has majorly drifted.</summary>
    public double PsiMajor { get; init; } = 0.25;

    /// <summary>The data set has drifted when at least this share of its features has (moderate or major).</summary>
    public double DriftedFeatureShare { get; init; } = 0.5;

    /// <summary>Share an empty bin counts as in PSI.</summary>
    public double Epsilon { get; init; } = 1e-4;

    /// <summary>Categories compared one by one; the rest of the reference's categories are pooled into "other".</summary>
    public int TopCategories { get; init; } = 30;

    public void Validate()
    {
        if (PsiModerate <= 0 || PsiMajor < PsiModerate)
        {
            throw new ArgumentException($"PSI thresholds need 0 < moderate ({PsiModerate}) <= major ({PsiMajor}).");
        }

        if (DriftedFeatureShare is <= 0 or > 1)
        {
            throw new ArgumentException($"The drifted feature share {DriftedFeatureShare} must be in (0, 1].");
        }
    }
}

/// <summary>One feature's drift: PSI (the verdict's measure), Jensen-Shannon distance, and for numerics Kolmogorov-Smirnov.</summary>
public sealed record FeatureDrift(
    string Column,
    string Kind,
    double Psi,
    double JensenShannon,
    double? KolmogorovSmirnov,
    double? KolmogorovSmirnovPValue,
    DriftVerdict Verdict,
    long ReferenceCount,
    long CurrentCount);

/// <summary>The label rate then and now: reported, not a feature verdict (the training gates judge the model).</summary>
public sealed record LabelDrift(string Column, double? ReferenceRate, double? CurrentRate);

public sealed record DriftReport(
    bool Drifted,
    double DriftedFeatureShare,
    DriftThresholds Thresholds,
    long ReferenceRows,
    long CurrentRows,
    IReadOnlyList<FeatureDrift> Features,
    LabelDrift? Label)
{
    public string ToJson() => JsonSerializer.Serialize(this, PipelineJson.Options);
}
