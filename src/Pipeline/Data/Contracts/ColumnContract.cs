namespace Mlops.Pipeline.Data.Contracts;

/// <summary>What a column holds. Numbers and integers are binned in profiles; categoricals and booleans are counted.</summary>
public enum ColumnType
{
    Number,
#pragma warning disable CA1720 // "integer" is the contract's own word for the type, as in JSON Schema.
    Integer,
#pragma warning restore CA1720
    Categorical,
    Boolean,
    DateTime,
}

/// <summary>What a column is for when a model is trained on the data set.</summary>
public enum ColumnRole
{
    Feature,
    Label,
    Time,
    Id,

    /// <summary>Read and checked, never a feature: for example the source a label is derived from (using it would leak).</summary>
    Ignore,
}

/// <summary>One column of a data contract, as the user wrote it (defaults filled in).</summary>
public sealed record ColumnContract
{
    /// <summary>Longest categorical value accepted unless the contract says otherwise: a guard against runaway fields.</summary>
    public const int DefaultMaxLength = 1000;

    public required string Name { get; init; }

    public required ColumnType Type { get; init; }

    public ColumnRole Role { get; init; } = ColumnRole.Feature;

    /// <summary>The exact .NET format of a datetime column's text, e.g. <c>yyyy-MM-dd HH:mm</c>.</summary>
    public string? Format { get; init; }

    /// <summary>Largest share of null (empty or missing) values allowed; 0 unless the contract says otherwise.</summary>
    public double MaxNullFraction { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    /// <summary>The allowed categories when the contract lists them; null when learned or unchecked.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>The allowed categories are the ones the reference profile saw (<c>"categories": "learned"</c>).</summary>
    public bool CategoriesLearned { get; init; }

    /// <summary>Largest share of non-null values outside the allowed categories.</summary>
    public double MaxUnseenShare { get; init; }

    public int MaxLength { get; init; } = DefaultMaxLength;

    public bool IsNumeric => Type is ColumnType.Number or ColumnType.Integer;

    /// <summary>Categoricals and booleans: profiled as counts per value.</summary>
    public bool IsDiscrete => Type is ColumnType.Categorical or ColumnType.Boolean;
}
