namespace Mlops.Pipeline.Data.Readers;

/// <summary>How a reader found a field, before the contract gives it a type.</summary>
public enum RawKind : byte
{
    /// <summary>The record has no such field (a JSON object without the key).</summary>
    Missing,

    /// <summary>An explicit null: an empty CSV field, JSON null, a Parquet null.</summary>
    Null,
    Text,
    Number,
    Boolean,
    DateTime,

    /// <summary>A value no contract type accepts (a JSON object or array); <see cref="RawField.Text"/> holds its JSON.</summary>
    Other,
}

/// <summary>
/// One field of the current record. CSV fields are spans into the reader's buffer (no string per field); JSON and
/// Parquet bring typed values. Valid only until the reader moves on.
/// </summary>
public readonly ref struct RawField
{
    public RawField(RawKind kind, ReadOnlySpan<char> text = default, double number = 0, bool boolean = false, DateTime dateTime = default)
    {
        Kind = kind;
        Text = text;
        Number = number;
        Boolean = boolean;
        DateTime = dateTime;
    }

    public RawKind Kind { get; }

    public ReadOnlySpan<char> Text { get; }

    public double Number { get; }

    public bool Boolean { get; }

    public DateTime DateTime { get; }

    /// <summary>The value as text, for reports.</summary>
    public override string ToString() => Kind switch
    {
        RawKind.Missing => "(missing)",
        RawKind.Null => "",
        RawKind.Text or RawKind.Other => Text.ToString(),
        RawKind.Number => Number.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        RawKind.Boolean => Boolean ? "true" : "false",
        RawKind.DateTime => DateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        _ => "",
    };
}
