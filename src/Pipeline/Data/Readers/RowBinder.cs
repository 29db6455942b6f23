using System.Globalization;
using System.Runtime.CompilerServices;
using Mlops.Pipeline.Data.Contracts;

namespace Mlops.Pipeline.Data.Readers;

/// <summary>Turns a record's raw fields into typed <see cref="FieldValue"/>s under the contract. Never throws on data.</summary>
/// <remarks>
/// Binding is most of what validation costs beyond the parse, so the common cases have short paths that give exactly
/// the general path's results: text fields (every CSV field) skip <see cref="RawField"/>, plain integers skip the
/// general number parser, a datetime repeated from the row before (sorted data) is not parsed again, and short
/// categories (codes) are found by their characters packed into one number.
/// </remarks>
internal sealed class RowBinder
{
    /// <summary>Distinct categorical values kept interned per column; beyond this (an id-like column) values are not interned.</summary>
    private const int MaxInternedPerColumn = 100_000;

    private const int MaxRawLength = 200;

    // Per column, copied out of the contract once: the contract's IReadOnlyList costs an interface call per field.
    private readonly ColumnType[] _types;
    private readonly int[] _maxLengths;
    private readonly FixedWidthDateParser?[] _dateParsers;
    private readonly CategoryTable[] _interned;
    private readonly LastText?[] _lastDates;

    public RowBinder(DataContract contract)
    {
        _types = [.. contract.Columns.Select(c => c.Type)];
        _maxLengths = [.. contract.Columns.Select(c => c.MaxLength)];
        _dateParsers = [.. contract.Columns.Select(c => c.Type == ColumnType.DateTime ? new FixedWidthDateParser(c.Format!) : null)];
        _interned = [.. contract.Columns.Select(_ => new CategoryTable())];
        _lastDates = [.. contract.Columns.Select(c => c.Type == ColumnType.DateTime ? new LastText() : null)];
    }

    /// <summary>Binds contract column <paramref name="column"/> from <paramref name="field"/>.</summary>
    public FieldValue Bind(int column, RawField field) => field.Kind switch
    {
        RawKind.Null or RawKind.Missing => FieldValue.Null,
        RawKind.Text => BindText(column, field.Text),
        _ => _types[column] switch
        {
            ColumnType.Number => BindNumber(field, integer: false),
            ColumnType.Integer => BindNumber(field, integer: true),
            ColumnType.Boolean => BindBoolean(field),
            ColumnType.DateTime => BindDateTime(field),
            _ => BindCategory(column, field),
        },
    };

    /// <summary>What <see cref="Bind"/> gives for a <see cref="RawKind.Text"/> field: CSV fields, without building a <see cref="RawField"/>.</summary>
    public FieldValue BindText(int column, ReadOnlySpan<char> text)
    {
        switch (_types[column])
        {
            case ColumnType.Integer:
                return TryParsePlainInteger(text, out var plain) ? FieldValue.OfNumber(plain) : BindNumberText(text, integer: true);
            case ColumnType.Number:
                return BindNumberText(text, integer: false);
            case ColumnType.Boolean:
                return text is "true" ? FieldValue.OfBoolean(true)
                    : text is "false" ? FieldValue.OfBoolean(false)
                    : ParseBoolean(text.Trim()) is { } b ? FieldValue.OfBoolean(b)
                    : InvalidText(text);
            case ColumnType.DateTime:
                return BindDateTimeText(column, text);
            default:
                return BindCategoryText(column, text, formatted: null);
        }
    }

    private static FieldValue BindNumberText(ReadOnlySpan<char> raw, bool integer)
    {
        var text = raw.Trim();
        if (integer && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return FieldValue.OfNumber(whole);
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return InvalidText(raw);
        }

        if (!double.IsFinite(number))
        {
            return new FieldValue { State = FieldState.NotFinite, Raw = Clip(raw.ToString()) };
        }

        return integer && number != Math.Floor(number) ? InvalidText(raw) : FieldValue.OfNumber(number);
    }

    /// <summary>Typed (JSON, Parquet) values of a number column.</summary>
    private static FieldValue BindNumber(RawField field, bool integer)
    {
        if (field.Kind != RawKind.Number)
        {
            return Invalid(field);
        }

        var number = field.Number;
        if (!double.IsFinite(number))
        {
            return new FieldValue { State = FieldState.NotFinite, Raw = Clip(field.ToString()) };
        }

        return integer && number != Math.Floor(number) ? Invalid(field) : new FieldValue { Number = number };
    }

    /// <summary>
    /// The common case of an integer field, <c>[+-]digits</c> with at most 18 digits, without the general parser.
    /// Anything else (spaces, more digits, a decimal point) returns false and takes the general path, so results are
    /// those of <see cref="long.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out long)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParsePlainInteger(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        var start = text.Length > 0 && text[0] is '-' or '+' ? 1 : 0;
        var digits = text.Length - start;
        if (digits is < 1 or > 18)
        {
            return false;
        }

        long number = 0;
        for (var i = start; i < text.Length; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            number = (number * 10) + digit;
        }

        value = text[0] == '-' ? -number : number;
        return true;
    }

    /// <summary>Typed (JSON, Parquet) values of a boolean column.</summary>
    private static FieldValue BindBoolean(RawField field)
    {
        bool? value = field.Kind switch
        {
            RawKind.Boolean => field.Boolean,
            RawKind.Number when field.Number is 0 or 1 => field.Number == 1,
            _ => null,
        };
        return value is { } b ? new FieldValue { Boolean = b, Number = b ? 1 : 0 } : Invalid(field);
    }

    private static bool? ParseBoolean(ReadOnlySpan<char> text) =>
        text.Equals("true", StringComparison.OrdinalIgnoreCase) || text is "1" ? true
        : text.Equals("false", StringComparison.OrdinalIgnoreCase) || text is "0" ? false
        : null;

    /// <summary>Typed (JSON, Parquet) values of a datetime column.</summary>
    private static FieldValue BindDateTime(RawField field) =>
        field.Kind == RawKind.DateTime ? new FieldValue { Time = field.DateTime } : Invalid(field);

    private FieldValue BindDateTimeText(int column, ReadOnlySpan<char> text)
    {
        // Parsing is a pure function of the text: the row before's value serves again when the text repeats.
        var last = _lastDates[column]!;
        if (last.Matches(text))
        {
            return last.Value;
        }

        var value = _dateParsers[column]!.TryParse(text, out var time) ? new FieldValue { Time = time } : InvalidText(text);
        last.Remember(text, value);
        return value;
    }

    /// <summary>Typed (JSON, Parquet) values of a categorical column: numbers and booleans as their text.</summary>
    private FieldValue BindCategory(int column, RawField field) => field.Kind switch
    {
        RawKind.Number => BindCategoryText(column, default, field.Number.ToString("R", CultureInfo.InvariantCulture)),
        RawKind.Boolean => BindCategoryText(column, field.Boolean ? "true" : "false", formatted: null),
        _ => Invalid(field),
    };

    private FieldValue BindCategoryText(int column, ReadOnlySpan<char> text, string? formatted)
    {
        if (formatted is not null)
        {
            text = formatted;
        }

        if (text.Length > _maxLengths[column])
        {
            return new FieldValue { State = FieldState.TooLong, Raw = Clip(text.ToString()) };
        }

        var interned = _interned[column];
        ref readonly var known = ref interned.Find(text);
        if (!Unsafe.IsNullRef(in known))
        {
            return FieldValue.OfCategory(known.Value!, known.Hash, known.Id);
        }

        var value = formatted ?? text.ToString();
        var hash = Hash(value);
        var id = interned.Count < MaxInternedPerColumn ? interned.Add(value, hash) : 0;
        return FieldValue.OfCategory(value, hash, id);
    }

    private static FieldValue Invalid(RawField field)
    {
        var raw = Clip(field.ToString());
        return new FieldValue { State = FieldState.Invalid, Raw = raw, TextHash = Hash(raw) };
    }

    private static FieldValue InvalidText(ReadOnlySpan<char> text)
    {
        var raw = Clip(text.ToString());
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

    /// <summary>The text of a column's previous field and what it bound to.</summary>
    private sealed class LastText
    {
        private char[] _text = new char[32];
        private int _length = -1;

        public FieldValue Value { get; private set; }

        public bool Matches(ReadOnlySpan<char> text) => text.Length == _length && text.SequenceEqual(_text.AsSpan(0, _length));

        public void Remember(ReadOnlySpan<char> text, FieldValue value)
        {
            if (text.Length > _text.Length)
            {
                if (text.Length > 256)
                {
                    _length = -1; // not worth keeping
                    return;
                }

                _text = new char[text.Length];
            }

            text.CopyTo(_text);
            _length = text.Length;
            Value = value;
        }
    }

    /// <summary>
    /// The interned values of one column, numbered 1, 2, … in the order they were first seen (the number travels in
    /// <see cref="FieldValue.CategoryId"/>, so the profile and the category check find a value without hashing it).
    /// Values of up to four characters (codes: the usual category) are found by their characters packed into one
    /// <see cref="ulong"/>; longer ones by open addressing on the FNV hash the field needs anyway. Either way a hit
    /// costs no allocation and one probe of one entry (key, value, hash and number side by side: one cache line).
    /// </summary>
    private sealed class CategoryTable
    {
        private const int MaxPacked = 4;

        private Table _short = new(64);
        private Table _long = new(64);

        public int Count => _short.Count + _long.Count;

        /// <summary>The entry of <paramref name="text"/>, or a null reference (<see cref="Unsafe.IsNullRef"/>) when it is not interned.</summary>
        public ref readonly Entry Find(ReadOnlySpan<char> text)
        {
            if (text.Length <= MaxPacked)
            {
                return ref _short.Find(Pack(text), text);
            }

            return ref _long.Find(Hash(text), text);
        }

        /// <summary>Adds a value known to be absent; returns its number.</summary>
        public int Add(string value, ulong hash)
        {
            var id = Count + 1;
            if (value.Length <= MaxPacked)
            {
                Add(ref _short, Pack(value), value, hash, id);
            }
            else
            {
                Add(ref _long, hash, value, hash, id);
            }

            return id;
        }

        private static void Add(ref Table table, ulong key, string value, ulong hash, int id)
        {
            if ((table.Count + 1) * 2 > table.Size)
            {
                table = table.Grow();
            }

            table.Insert(new Entry { Key = key, Value = value, Hash = hash, Id = id, Length = value.Length });
        }

        /// <summary>Up to four UTF-16 code units in one number; with the length it identifies the text exactly.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Pack(ReadOnlySpan<char> text)
        {
            ulong key = 0;
            for (var i = 0; i < text.Length; i++)
            {
                key |= (ulong)text[i] << (16 * i);
            }

            return key;
        }

        /// <summary>One interned value; its length is kept beside it so that a probe does not read the string.</summary>
        internal struct Entry
        {
            public ulong Key;
            public string? Value; // null: empty slot
            public ulong Hash;
            public int Id;
            public int Length;
        }

        private sealed class Table(int size)
        {
            private readonly Entry[] _entries = new Entry[size];

            public int Size => _entries.Length;

            public int Count { get; private set; }

            public ref readonly Entry Find(ulong key, ReadOnlySpan<char> text)
            {
                var entries = _entries;
                var mask = entries.Length - 1;
                for (var slot = Slot(key, mask); ; slot = (slot + 1) & mask)
                {
                    ref readonly var entry = ref entries[slot];
                    if (entry.Value is null)
                    {
                        return ref Unsafe.NullRef<Entry>();
                    }

                    // Packed keys are exact with the length; hash keys are confirmed by the text.
                    if (entry.Key == key && entry.Length == text.Length && (text.Length <= MaxPacked || text.SequenceEqual(entry.Value)))
                    {
                        return ref entry;
                    }
                }
            }

            public void Insert(in Entry entry)
            {
                var mask = _entries.Length - 1;
                var slot = Slot(entry.Key, mask);
                while (_entries[slot].Value is not null)
                {
                    slot = (slot + 1) & mask;
                }

                _entries[slot] = entry;
                Count++;
            }

            public Table Grow()
            {
                var bigger = new Table(_entries.Length * 2);
                foreach (ref readonly var entry in _entries.AsSpan())
                {
                    if (entry.Value is not null)
                    {
                        bigger.Insert(entry);
                    }
                }

                return bigger;
            }

            // Spread the key (packed characters, or FNV-1a whose low bits mix poorly) with a Fibonacci multiply.
            private static int Slot(ulong key, int mask) => (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask;
        }
    }
}
