using System.Runtime.CompilerServices;

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
/// <remarks>
/// Every field of every row is written by the binder and read by validation and profiling, so the layout is kept
/// small: a value holds a number or a time, never both, and a category or a raw text, never both, so each pair shares
/// one slot (32 bytes instead of 48, and one reference, so a copy into a row costs one GC write barrier, not two).
/// A flag says which member of a pair the slot holds; the other reads as its default, as before.
/// </remarks>
public readonly record struct FieldValue
{
    private const ulong StateMask = 0xFF;
    private const ulong BooleanFlag = 1 << 8;
    private const ulong TimeFlag = 1 << 9; // _bits holds Time, not Number
    private const ulong RawFlag = 1 << 10; // _text holds Raw, not Category
    private const int CategoryIdShift = 32;

    // Four 8-byte fields, the small members packed into _meta: the JIT keeps a value this shape in registers while it
    // is built and stores it field by field. With eight fields it was built in a stack copy and then moved as one
    // 32-byte block, whose load could not take its bytes from the smaller stores just made (a store-forwarding stall
    // on every field the binder returned: half of the binder's time).
    private readonly string? _text; // Category, or Raw
    private readonly long _bits; // Number's bits, or Time's
    private readonly ulong _textHash;
    private readonly ulong _meta; // state, Boolean, which member each slot holds, category number

    private FieldValue(string? text, long bits, ulong textHash, ulong meta) => (_text, _bits, _textHash, _meta) = (text, bits, textHash, meta);

    public FieldState State { get => (FieldState)(_meta & StateMask); init => _meta = (_meta & ~StateMask) | (byte)value; }

    public double Number
    {
        get => (_meta & TimeFlag) != 0 ? 0 : BitConverter.Int64BitsToDouble(_bits);
        init => (_bits, _meta) = (BitConverter.DoubleToInt64Bits(value), _meta & ~TimeFlag);
    }

    public bool Boolean { get => (_meta & BooleanFlag) != 0; init => _meta = value ? _meta | BooleanFlag : _meta & ~BooleanFlag; }

    public DateTime Time
    {
        get => (_meta & TimeFlag) != 0 ? Unsafe.BitCast<long, DateTime>(_bits) : default;
        init => (_bits, _meta) = (Unsafe.BitCast<DateTime, long>(value), _meta | TimeFlag);
    }

    public string? Category
    {
        get => (_meta & RawFlag) != 0 ? null : _text;
        init
        {
            if (value is not null || (_meta & RawFlag) == 0)
            {
                (_text, _meta) = (value, _meta & ~RawFlag);
            }
        }
    }

    /// <summary>Deterministic 64-bit hash of <see cref="Category"/> (or of <see cref="Raw"/>), for duplicate detection.</summary>
    internal ulong TextHash { get => _textHash; init => _textHash = value; }

    /// <summary>
    /// The category's number among its column's values as the reader interned them (1, 2, … in order of first
    /// appearance; 0 when not interned): lets a category lookup remember where it found a value under its number, and
    /// find it again by checking one reference (<see cref="Profiling.CategoryIndex.IndexOf(string, ulong, int)"/>).
    /// </summary>
    internal int CategoryId
    {
        get => (int)(_meta >> CategoryIdShift);
        init => _meta = (_meta & uint.MaxValue) | ((ulong)(uint)value << CategoryIdShift);
    }

    /// <summary>The text as read, kept only for values that are not valid (clipped), so reports can show it.</summary>
    public string? Raw
    {
        get => (_meta & RawFlag) != 0 ? _text : null;
        init
        {
            if (value is not null || (_meta & RawFlag) != 0)
            {
                (_text, _meta) = (value, value is not null ? _meta | RawFlag : _meta & ~RawFlag);
            }
        }
    }

    /// <summary>
    /// The value's identity for duplicate-row hashing, whatever the column's type: the text's hash for a category or raw
    /// text, the ticks for a time, else the number's bits (0 for a null). Each is what the member that is set gives.
    /// </summary>
    internal ulong RowKey => _text is not null ? _textHash : (_meta & TimeFlag) != 0 ? (ulong)_bits & TicksMask : (ulong)_bits;

    private const ulong TicksMask = 0x3FFF_FFFF_FFFF_FFFF; // DateTime keeps its Kind in the top two bits

    public bool IsValid => (_meta & StateMask) == (ulong)FieldState.Valid;

    public static FieldValue Null => new() { State = FieldState.Null };

    // The binder's common values, made by the constructor: the JIT builds them straight in the caller's result, where
    // an object initializer (one setter after the other on a copy) costs a zeroed stack copy per value bound.

    /// <summary>What <c>new FieldValue { Number = value }</c> makes.</summary>
    internal static FieldValue OfNumber(double value) => new(null, BitConverter.DoubleToInt64Bits(value), 0, 0);

    /// <summary>What <c>new FieldValue { Boolean = value, Number = value ? 1 : 0 }</c> makes.</summary>
    internal static FieldValue OfBoolean(bool value) => new(null, BitConverter.DoubleToInt64Bits(value ? 1 : 0), 0, value ? BooleanFlag : 0);

    /// <summary>What <c>new FieldValue { Category = value, TextHash = hash, CategoryId = id }</c> makes.</summary>
    internal static FieldValue OfCategory(string value, ulong hash, int id) => new(value, 0, hash, (ulong)(uint)id << CategoryIdShift);

    /// <summary>Equal when every member reads the same, whichever slot holds it (as when each member had its own field).</summary>
    public bool Equals(FieldValue other) =>
        State == other.State && Number.Equals(other.Number) && Boolean == other.Boolean && Time.Equals(other.Time)
        && string.Equals(Category, other.Category, StringComparison.Ordinal) && _textHash == other._textHash
        && string.Equals(Raw, other.Raw, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(State, Number, Boolean, Time, Category, _textHash, Raw);
}
