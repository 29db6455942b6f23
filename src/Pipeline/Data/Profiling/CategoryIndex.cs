using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Data.Profiling;

/// <summary>
/// Distinct strings numbered in the order they were added, found by the deterministic FNV hash that
/// <see cref="FieldValue"/> already carries for categories (so a lookup hashes nothing) and confirmed by comparing the
/// strings (by reference first: the reader interns categories, so a hit is usually the very same string). Open
/// addressing with linear probing, at most half full.
/// </summary>
internal sealed class CategoryIndex
{
    private int[] _slots = new int[16]; // entry number + 1; 0 is empty
    private readonly List<string> _values = [];
    private readonly List<ulong> _hashes = [];

    public int Count => _values.Count;

    public string this[int index] => _values[index];

    /// <summary>The hash a category's <see cref="FieldValue"/> carries (FNV-1a over its UTF-16 code units).</summary>
    public static ulong Hash(string value) => RowBinder.Hash(value);

    /// <summary>The number of <paramref name="value"/>, or -1. <paramref name="hash"/> must be <see cref="Hash"/> of it.</summary>
    public int IndexOf(string value, ulong hash)
    {
        var mask = _slots.Length - 1;
        for (var slot = Slot(hash, mask); ; slot = (slot + 1) & mask)
        {
            var entry = _slots[slot] - 1;
            if (entry < 0)
            {
                return -1;
            }

            if (_hashes[entry] == hash && (ReferenceEquals(_values[entry], value) || string.Equals(_values[entry], value, StringComparison.Ordinal)))
            {
                return entry;
            }
        }
    }

    /// <summary>Adds <paramref name="value"/> unless present; returns its number either way.</summary>
    public int Add(string value, ulong hash)
    {
        var existing = IndexOf(value, hash);
        if (existing >= 0)
        {
            return existing;
        }

        if ((_values.Count + 1) * 2 > _slots.Length)
        {
            var slots = new int[_slots.Length * 2];
            for (var i = 0; i < _values.Count; i++)
            {
                Insert(slots, _hashes[i], i);
            }

            _slots = slots;
        }

        _values.Add(value);
        _hashes.Add(hash);
        Insert(_slots, hash, _values.Count - 1);
        return _values.Count - 1;
    }

    private static void Insert(int[] slots, ulong hash, int entry)
    {
        var mask = slots.Length - 1;
        var slot = Slot(hash, mask);
        while (slots[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        slots[slot] = entry + 1;
    }

    private static int Slot(ulong hash, int mask) => (int)((hash * 0x9E3779B97F4A7C15UL) >> 32) & mask;
}
