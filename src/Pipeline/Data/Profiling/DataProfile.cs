using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Pipeline.Data.Contracts;

namespace Mlops.Pipeline.Data.Profiling;

/// <summary>
/// What a data set looks like, in bounded size: per numeric feature counts in bins whose edges come from the
/// reference's quantiles, per categorical feature counts per value plus "other", nulls, label rate, row count.
/// The training data's profile travels with the model and is the reference for drift; it carries its contract so
/// that new data is read exactly as the training data was.
/// </summary>
public sealed record DataProfile
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The contract the data was read with, as its JSON.</summary>
    public required JsonNode Contract { get; init; }

    public long Rows { get; init; }

    public long UsableRows { get; init; }

    public LabelProfile? Label { get; init; }

    public TimeProfile? Time { get; init; }

    /// <summary>Every contract column, in contract order; numeric and categorical details for features only.</summary>
    public required IReadOnlyList<ColumnProfile> Columns { get; init; }

    public ColumnProfile? Column(string name) => Columns.FirstOrDefault(c => c.Name == name);

    public DataContract ParseContract() => DataContractParser.Parse(Contract.ToJsonString());

    public string ToJson() => JsonSerializer.Serialize(this, PipelineJson.Options);

    /// <summary>Reads a profile; a malformed one is a <see cref="JsonException"/> naming what is wrong.</summary>
    public static DataProfile FromJson(string json)
    {
        var profile = JsonSerializer.Deserialize<DataProfile>(json, PipelineJson.Options) ?? throw new JsonException("The profile is null.");
        if (profile.FormatVersion != CurrentFormatVersion)
        {
            throw new JsonException($"formatVersion {profile.FormatVersion} is not supported (expected {CurrentFormatVersion}).");
        }

        return profile;
    }

    public static async Task<DataProfile> LoadAsync(string path, CancellationToken cancellationToken = default) =>
        FromJson(await File.ReadAllTextAsync(path, cancellationToken));
}

public sealed record ColumnProfile(
    string Name,
    ColumnType Type,
    ColumnRole Role,
    long Nulls,
    long Invalid,
    NumericProfile? Numeric,
    CategoricalProfile? Categorical);

/// <summary>
/// Counts in bins (-inf, e0], (e0, e1], ..., (e_last, +inf): <see cref="Counts"/> has one more entry than
/// <see cref="Edges"/>. Min, max and mean are of the valid values.
/// </summary>
public sealed record NumericProfile(IReadOnlyList<double> Edges, IReadOnlyList<long> Counts, double? Min, double? Max, double? Mean)
{
    public long Total => Counts.Sum();
}

/// <summary>
/// Counts per value, most frequent first (ties by ordinal value), plus <see cref="Other"/>. <see cref="Complete"/>
/// when every distinct value is listed (at most the profile's category limit).
/// </summary>
public sealed record CategoricalProfile(IReadOnlyList<CategoryCount> Categories, long Other, bool Complete)
{
    public long Total => Categories.Sum(c => c.Count) + Other;
}

public sealed record CategoryCount(string Value, long Count);

public sealed record LabelProfile(string Column, long Positives, long Negatives)
{
    public double? Rate => Positives + Negatives == 0 ? null : (double)Positives / (Positives + Negatives);
}

public sealed record TimeProfile(string Column, DateTime? Min, DateTime? Max);

/// <summary>How a reference profile is made.</summary>
public sealed record ProfileOptions
{
    /// <summary>Quantile bins per numeric feature.</summary>
    public int Bins { get; init; } = 10;

    /// <summary>Distinct values counted per categorical feature; later new values count as "other".</summary>
    public int MaxCategories { get; init; } = 1000;

    /// <summary>Distinct values per numeric feature counted exactly in the first pass; more need a second, counting pass.</summary>
    public int ExactDistinctLimit { get; init; } = 1 << 16;

    /// <summary>Values sampled per numeric feature to place the edges when there are too many distinct values.</summary>
    public int ReservoirSize { get; init; } = 1 << 16;

    public int Seed { get; init; } = 2001;
}
