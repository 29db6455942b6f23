using System.Globalization;
using System.Runtime.CompilerServices;
using Mlops.Pipeline.Data.Contracts;

namespace Mlops.Pipeline.Data.Readers;

/// <summary>Turns a record's raw fields into typed <see cref="FieldValue"/>s under the contract. Never throws on data.</summary>
internal sealed class RowBinder
{
    /// <summary>Distinct categorical values kept interned per column; beyond this (an id-like column) values are not interned.</summary>
    private const int MaxInternedPerColumn = 100_000;

    private const int MaxRawLength = 200;

    private readonly DataContract _contract;
    private readonly FixedWidthDateParser?[] _dateParsers;
    private readonly Dictionary<string, (string Value, ulong Hash)>[] _interned;

    public RowBinder(DataContract contract)
    {
        _contract = contract;
        _dateParsers = [.. contract.Columns.Select(c => c.Type == ColumnType.DateTime ? new FixedWidthDateParser(c.Format!) : null)];
        _interned = [.. contract.Columns.Select(_ => new Dictionary<string, (string, ulong)>(StringComparer.Ordinal))];
    }

    /// <summary>Binds contract column <paramref name="column"/> from <paramref name="field"/>.</summary>
    public FieldValue Bind(int column, RawField field)
    {
        if (field.Kind is RawKind.Null or RawKind.Missing)
        {
            return FieldValue.Null;
        }

        var contract = _contract.Columns[column];
        return contract.Type switch
        {
            ColumnType.Number => BindNumber(field, integer: false),
            ColumnType.Integer => BindNumber(field, integer: true),
            ColumnType.Boolean => BindBoolean(field),
            ColumnType.DateTime => BindDateTime(column, field),
            _ => BindCategory(column, contract.MaxLength, field),
        };
    }

    private static FieldValue BindNumber(RawField field, bool integer)
    {
        double number;
        switch (field.Kind)
        {
            case RawKind.Number:
                number = field.Number;
                break;
            case RawKind.Text:
                var text = field.Text.Trim();
                if (integer && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
                {
                    return new FieldValue { Number = whole };
                }

                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
                {
                    return Invalid(field);
                }

                break;
            default:
                return Invalid(field);
        }

        if (!double.IsFinite(number))
        {
            return new FieldValue { State = FieldState.NotFinite, Raw = Clip(field.ToString()) };
        }

        return integer && number != Math.Floor(number) ? Invalid(field) : new FieldValue { Number = number };
    }

    private static FieldValue BindBoolean(RawField field)
    {
        bool? value = field.Kind switch
        {
            RawKind.Boolean => field.Boolean,
            RawKind.Number when field.Number is 0 or 1 => field.Number == 1,
            RawKind.Text => ParseBoolean(field.Text.Trim()),
            _ => null,
        };
        return value is { } b ? new FieldValue { Boolean = b, Number = b ? 1 : 0 } : Invalid(field);
    }

    private static bool? ParseBoolean(ReadOnlySpan<char> text) =>
        text.Equals("true", StringComparison.OrdinalIgnoreCase) || text is "1" ? true
        : text.Equals("false", StringComparison.OrdinalIgnoreCase) || text is "0" ? false
        : null;

    private FieldValue BindDateTime(int column, RawField field) => field.Kind switch
    {
        RawKind.DateTime => new FieldValue { Time = field.DateTime },
        RawKind.Text when _dateParsers[column]!.TryParse(field.Text, out var time) => new FieldValue { Time = time },
        _ => Invalid(field),
    };

    private FieldValue BindCategory(int column, int maxLength, RawField field)
    {
        ReadOnlySpan<char> text;
        string? formatted = null;
        switch (field.Kind)
        {
            case RawKind.Text:
                text = field.Text;
                break;
            case RawKind.Number:
                formatted = field.Number.ToString("R", CultureInfo.InvariantCulture);
                text = formatted;
                break;
            case RawKind.Boolean:
                text = field.Boolean ? "true" : "false";
                break;
            default:
                return Invalid(field);
        }

        if (text.Length > maxLength)
        {
            return new FieldValue { State = FieldState.TooLong, Raw = Clip(text.ToString()) };
        }

        var interned = _interned[column];
        if (interned.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text, out var entry))
        {
            return new FieldValue { Category = entry.Value, TextHash = entry.Hash };
        }

        var value = formatted ?? text.ToString();
        var hash = Hash(value);
        if (interned.Count < MaxInternedPerColumn)
        {
            interned[value] = (value, hash);
        }

        return new FieldValue { Category = value, TextHash = hash };
    }

    private static FieldValue Invalid(RawField field)
    {
        var raw = Clip(field.ToString());
        return new FieldValue { State = FieldState.Invalid, Raw = raw, TextHash = Hash(raw) };
    }

    /// <summary>Keeps report examples small: a 1 MB field shows as its start and its length.</summary>
    internal static string Clip(string text) =>
        text.Length <= MaxRawLength ? text : string.Create(CultureInfo.InvariantCulture, $"{text.AsSpan(0, MaxRawLength)}… ({text.Length:N0} characters)");

    /// <summary>FNV-1a over UTF-16 code units: deterministic across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Hash(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
