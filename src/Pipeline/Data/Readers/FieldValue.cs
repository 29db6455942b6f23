namespace Mlops.Pipeline.Data.Readers;

/// <summary>What a field turned out to be under its contract type.</summary>
public enum FieldState : byte
{
    Valid,

    /// <summary>Empty, null or missing.</summary>
    Null,

    /// <summary>Not of the column's type ("abc" in a number column); <see cref="FieldValue.Raw"/> has the text.</summary>
    Invalid,

    /// <summary>NaN or ±Infinity in a number column.</summary>
    NotFinite,

    /// <summary>A categorical value longer than the column's maxLength.</summary>
    TooLong,
}

/// <summary>
/// One typed value of a row. Numbers, integers and booleans (0/1) are in <see cref="Number"/>; categoricals in
/// <see cref="Category"/> (interned, so equal values are the same string); datetimes in <see cref="Time"/>.
/// </summary>
public readonly record struct FieldValue
{
    public FieldState State { get; init; }

    public double Number { get; init; }

    public bool Boolean { get; init; }

    public DateTime Time { get; init; }

    public string? Category { get; init; }

    /// <summary>Deterministic 64-bit hash of <see cref="Category"/> (or of <see cref="Raw"/>), for duplicate detection.</summary>
    internal ulong TextHash { get; init; }

    /// <summary>The text as read, kept only for values that are not valid (clipped), so reports can show it.</summary>
    public string? Raw { get; init; }

    public bool IsValid => State == FieldState.Valid;

    public static FieldValue Null => new() { State = FieldState.Null };
}
