using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Mlops.Scoring.Model;

namespace Mlops.Scoring.Scoring;

/// <summary>
/// Reads a scoring request (one JSON object, or an array of them) straight into <see cref="FeatureColumns"/>
/// with <see cref="Utf8JsonReader"/>: no object per row, no dictionary per row. Every problem is a
/// <see cref="ScoringRequestException"/> naming the row and field, never a parser exception.
/// </summary>
public sealed class ScoreRequestParser
{
    /// <summary>Distinct values kept per categorical feature, so a flood of made-up values cannot grow memory.</summary>
    internal const int MaxInternedPerFeature = 4_096;

    private const int MaxInternedLength = 64;

    private readonly ModelSignature _signature;
    private readonly byte[][] _utf8Names;
    private readonly int _maxRows;
    private readonly DateTemplate?[] _dateTemplates;
    private readonly ConcurrentDictionary<string, string>?[] _categories;

    /// <summary>One parser per served model: it is thread-safe and keeps what it learns (category strings) across requests.</summary>
    public ScoreRequestParser(ModelSignature signature, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(signature);
        _signature = signature;
        _maxRows = maxRows;
        _utf8Names = [.. signature.Features.Select(f => Encoding.UTF8.GetBytes(f.Name))];
        _dateTemplates = [.. signature.Features.Select(f => f.Type == FeatureType.DateTime ? DateTemplate.TryCreate(f.Format) : null)];
        _categories = [.. signature.Features.Select(f => f.Type == FeatureType.Categorical ? new ConcurrentDictionary<string, string>(StringComparer.Ordinal) : null)];
    }

    /// <summary>Parses the body; <paramref name="isBatch"/> tells whether it was an array.</summary>
    public FeatureColumns Parse(ReadOnlySpan<byte> body, out bool isBatch)
    {
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new ScoringRequestException("The request body is empty; send one row as a JSON object or a batch as a JSON array.");
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 4 });
        try
        {
            reader.Read();

            FeatureColumns columns;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                isBatch = false;
                columns = new FeatureColumns(_signature, 1) { Count = 1 };
                ReadRow(ref reader, columns, 0, rowForErrors: null);
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                isBatch = true;
                columns = ReadRows(ref reader, body.Length);
            }
            else
            {
                throw new ScoringRequestException($"The request body is a JSON {reader.TokenType}; send one row as an object or a batch as an array.");
            }

            // Content after the value makes the reader throw: one request body is one JSON value.
            reader.Read();
            return columns;
        }
        catch (JsonException ex)
        {
            throw new ScoringRequestException($"The request body is not valid JSON: {ex.Message}");
        }
    }

    private FeatureColumns ReadRows(ref Utf8JsonReader reader, int bodyLength)
    {
        // A row takes at least a few bytes per feature; this bounds the allocation by the body size.
        var capacity = Math.Clamp(bodyLength / Math.Max(1, _signature.Features.Count * 4), 1, _maxRows);
        var columns = new FeatureColumns(_signature, capacity);
        var row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (row >= _maxRows)
            {
                throw new ScoringRequestException($"The batch has more than {_maxRows} rows, the limit per request.", row);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ScoringRequestException($"Row {row} is a JSON {reader.TokenType}; every row must be an object.", row);
            }

            if (row == columns.Capacity)
            {
                columns.Grow(Math.Min(_maxRows, columns.Capacity * 2));
            }

            ReadRow(ref reader, columns, row, row);
            row++;
        }

        if (row == 0)
        {
            throw new ScoringRequestException("The batch is empty; send at least one row.");
        }

        columns.Count = row;
        return columns;
    }

    private void ReadRow(ref Utf8JsonReader reader, FeatureColumns columns, int index, int? rowForErrors)
    {
        var features = _signature.Features;
        Span<bool> seen = stackalloc bool[features.Count];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var feature = FindFeature(ref reader);
            if (feature < 0)
            {
                var name = reader.GetString();
                throw new ScoringRequestException(
                    $"Unknown field '{name}'; the model takes {string.Join(", ", features.Select(f => f.Name))}.", rowForErrors, name);
            }

            if (seen[feature])
            {
                throw new ScoringRequestException($"Field '{features[feature].Name}' appears twice.", rowForErrors, features[feature].Name);
            }

            seen[feature] = true;
            reader.Read();
            ReadValue(ref reader, columns, feature, index, rowForErrors);
        }

        for (var f = 0; f < features.Count; f++)
        {
            if (!seen[f])
            {
                throw new ScoringRequestException($"Field '{features[f].Name}' is missing.", rowForErrors, features[f].Name);
            }
        }
    }

    private int FindFeature(ref Utf8JsonReader reader)
    {
        for (var f = 0; f < _utf8Names.Length; f++)
        {
            if (reader.ValueTextEquals(_utf8Names[f]))
            {
                return f;
            }
        }

        return -1;
    }

    private void ReadValue(ref Utf8JsonReader reader, FeatureColumns columns, int feature, int index, int? row)
    {
        var spec = _signature.Features[feature];
        switch (spec.Type)
        {
            case FeatureType.Number:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    throw WrongType(ref reader, spec, "a number", row);
                }

                columns.Numeric(feature)[index] = (float)number;
                break;
            case FeatureType.Integer:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var integer))
                {
                    throw WrongType(ref reader, spec, "an integer", row);
                }

                columns.Numeric(feature)[index] = integer;
                break;
            case FeatureType.Boolean:
                columns.Numeric(feature)[index] = reader.TokenType switch
                {
                    JsonTokenType.True => 1f,
                    JsonTokenType.False => 0f,
                    _ => throw WrongType(ref reader, spec, "true or false", row),
                };
                break;
            case FeatureType.Categorical:
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw WrongType(ref reader, spec, "a string", row);
                }

                columns.Text(feature)[index] = ReadCategory(ref reader, feature);
                break;
            case FeatureType.DateTime:
                if (reader.TokenType != JsonTokenType.String
                    || !(_dateTemplates[feature] is { } template && !reader.ValueIsEscaped && template.TryParse(reader.ValueSpan, out var date))
                    && !DateTime.TryParseExact(reader.GetString(), spec.Format ?? "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
                {
                    throw WrongType(ref reader, spec, $"a date and time as \"{spec.Format ?? "ISO 8601"}\"", row);
                }

                columns.Dates(feature)[index] = date;
                break;
        }
    }

    /// <summary>
    /// The value as a string, shared between requests for values seen before (category values repeat: airports,
    /// carriers), so a known value costs a lookup and no allocation. At most <see cref="MaxInternedPerFeature"/>
    /// values per feature are kept; others are read as usual.
    /// </summary>
    private string ReadCategory(ref Utf8JsonReader reader, int feature)
    {
        var utf8 = reader.ValueSpan;
        if (reader.ValueIsEscaped || utf8.Length > MaxInternedLength)
        {
            return reader.GetString()!;
        }

        // The reader has checked the UTF-8 already.
        Span<char> chars = stackalloc char[MaxInternedLength];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        var known = _categories[feature]!;
        var lookup = known.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..length], out var value))
        {
            return value;
        }

        value = new string(chars[..length]);
        return known.Count < MaxInternedPerFeature ? known.GetOrAdd(value, value) : value;
    }

    private static ScoringRequestException WrongType(ref Utf8JsonReader reader, SignatureFeature spec, string expected, int? row)
    {
        var found = reader.TokenType switch
        {
            JsonTokenType.String => $"\"{Shorten(reader.GetString())}\"",
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            _ => reader.TokenType.ToString().ToLowerInvariant(),
        };
        return new ScoringRequestException($"Field '{spec.Name}' must be {expected}, not {found}.", row, spec.Name);
    }

    private static string? Shorten(string? text) => text is { Length: > 40 } ? text[..40] + "…" : text;
}

/// <summary>
/// A fast path for fixed-width datetime formats made of yyyy, MM, dd, HH, mm, ss and the separators '-', ' ', 'T', ':'
/// (such as "yyyy-MM-dd HH:mm"): reads the digits in place from the UTF-8 bytes. It accepts only values
/// <see cref="DateTime.TryParseExact(string, string, IFormatProvider, DateTimeStyles, out DateTime)"/> accepts with the same
/// result; anything else (another width, a bad digit, an impossible date) falls back to TryParseExact, which decides.
/// </summary>
internal sealed class DateTemplate
{
    private readonly byte[] _pattern;
    private readonly (char Field, int Start)[] _fields;

    private DateTemplate(byte[] pattern, (char Field, int Start)[] fields)
    {
        _pattern = pattern;
        _fields = fields;
    }

    public static DateTemplate? TryCreate(string? format)
    {
        if (format is null)
        {
            return null;
        }

        var pattern = new byte[format.Length];
        var fields = new List<(char, int)>();
        for (var i = 0; i < format.Length;)
        {
            var c = format[i];
            var width = c switch { 'y' => 4, 'M' or 'd' or 'H' or 'm' or 's' => 2, _ => 0 };
            if (width > 0)
            {
                if (i + width > format.Length || format.AsSpan(i, width).ContainsAnyExcept(c)
                    || (i + width < format.Length && format[i + width] == c) || fields.Exists(f => f.Item1 == c))
                {
                    return null;
                }

                fields.Add((c, i));
                pattern.AsSpan(i, width).Fill((byte)'0');
                i += width;
            }
            else if (c is '-' or ' ' or 'T' or ':')
            {
                pattern[i++] = (byte)c;
            }
            else
            {
                return null;
            }
        }

        return fields.Exists(f => f.Item1 == 'y') && fields.Exists(f => f.Item1 == 'M') && fields.Exists(f => f.Item1 == 'd')
            ? new DateTemplate(pattern, [.. fields])
            : null;
    }

    public bool TryParse(ReadOnlySpan<byte> value, out DateTime date)
    {
        date = default;
        if (value.Length != _pattern.Length)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var expected = _pattern[i];
            if (expected == (byte)'0' ? !char.IsAsciiDigit((char)value[i]) : value[i] != expected)
            {
                return false;
            }
        }

        int year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0;
        foreach (var (field, start) in _fields)
        {
            var number = field == 'y'
                ? Digits(value, start, 4)
                : Digits(value, start, 2);
            switch (field)
            {
                case 'y': year = number; break;
                case 'M': month = number; break;
                case 'd': day = number; break;
                case 'H': hour = number; break;
                case 'm': minute = number; break;
                default: second = number; break;
            }
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        date = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        return true;
    }

    private static int Digits(ReadOnlySpan<byte> value, int start, int width)
    {
        var number = 0;
        for (var i = start; i < start + width; i++)
        {
            number = (number * 10) + (value[i] - '0');
        }

        return number;
    }
}
