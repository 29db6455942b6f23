namespace Mlops.Pipeline.Data.Contracts;

/// <summary>What to do with columns the contract does not name.</summary>
public enum ExtraColumnsPolicy
{
    /// <summary>Extra columns fail validation: a changed upstream schema should be noticed.</summary>
    Error,

    /// <summary>Extra columns are read past.</summary>
    Ignore,
}

/// <summary>Rules about the data set as a whole.</summary>
public sealed record DataSetRules
{
    /// <summary>Fewest usable rows (rows in which every checked column parsed). At least 1: zero rows is never a data set.</summary>
    public long MinRows { get; init; } = 1;

    public double? MaxDuplicateRowFraction { get; init; }

    public double? MinLabelRate { get; init; }

    public double? MaxLabelRate { get; init; }

    /// <summary>Earliest allowed value of the time column.</summary>
    public DateTime? TimeMin { get; init; }

    /// <summary>Latest allowed value of the time column.</summary>
    public DateTime? TimeMax { get; init; }

    /// <summary>Freshness: the newest row must be at most this many days old when validated.</summary>
    public double? MaxAgeDays { get; init; }

    public ExtraColumnsPolicy ExtraColumns { get; init; } = ExtraColumnsPolicy.Error;
}
