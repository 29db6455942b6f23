using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Data.Profiling;

/// <summary>
/// Distinct strings numbered in the order they were added, found by the deterministic FNV hash that
/// <see cref="FieldValue"/> already carries for categories (so a lookup hashes nothing) and confirmed by comparing the
/// strings (by reference first: the reader interns categories, so a hit is usually the very same string). Open
/// addressing with linear probing, at most half full; each slot keeps its entry's hash beside the entry number, so a
/// probe reads one slot and, on a hit, the entry's string.
/// </summary>
internal sealed class CategoryIndex
{
    private Slot[] _slots = new Slot[16]; // Entry: entry number + 1; 0 is empty
    private string[] _values = new string[8];
    private ulong[] _hashes = new ulong[8];
    private (string? Value, int Index)[] _found = new (string?, int)[64]; // by FieldValue.CategoryId: see IndexOf(string, ulong, int)

    public int Count { get; private set; }

    public string this[int index] => index < Count ? _values[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The hash a category's <see cref="FieldValue"/> carries (FNV-1a over its UTF-16 code units).</summary>
    public static ulong Hash(string value) => RowBinder.Hash(value);

    /// <summary>The number of <paramref name="value"/>, or -1. <paramref name="hash"/> must be <see cref="Hash"/> of it.</summary>
    public int IndexOf(string value, ulong hash)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        for (var slot = SlotOf(hash, mask); ; slot = (slot + 1) & mask)
        {
            ref readonly var candidate = ref slots[slot];
            if (candidate.Entry == 0)
            {
                return -1;
            }

            if (candidate.Hash == hash)
            {
                var entry = candidate.Entry - 1;
                var known = _values[entry];
                if (ReferenceEquals(known, value) || string.Equals(known, value, StringComparison.Ordinal))
                {
                    return entry;
                }
            }
        }
    }

    /// <summary>
    /// <see cref="IndexOf(string, ulong)"/> for a value the reader interned under <paramref name="id"/>
    /// (<see cref="FieldValue.CategoryId"/>; 0: not interned). Where a value was found is remembered under its id
    /// with the string itself: a later row with the same id and the very same string (the reader hands out one string
    /// per value) is answered by one array read and one reference comparison, without hashing or probing. An id of
    /// another reader's pass names another string, fails the comparison and takes the ordinary lookup. Values not
    /// found are not remembered (a learning profile may add them next).
    /// </summary>
    public int IndexOf(string value, ulong hash, int id)
    {
        var found = _found;
        if ((uint)id < (uint)found.Length && ReferenceEquals(found[id].Value, value))
        {
            return found[id].Index;
        }

        var index = IndexOf(value, hash);
        if (index >= 0 && id > 0)
        {
            if (id >= found.Length)
            {
                Array.Resize(ref _found, Math.Max(id + 1, found.Length * 2));
            }

            _found[id] = (value, index);
        }

        return index;
    }

    /// <summary>Adds <paramref name="value"/> unless present; returns its number either way.</summary>
    public int Add(string value, ulong hash)
    {
        var existing = IndexOf(value, hash);
        if (existing >= 0)
        {
            return existing;
        }

        if ((Count + 1) * 2 > _slots.Length)
        {
            var slots = new Slot[_slots.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                Insert(slots, _hashes[i], i);
            }

            _slots = slots;
        }

        if (Count == _values.Length)
        {
            Array.Resize(ref _values, Count * 2);
            Array.Resize(ref _hashes, Count * 2);
        }

        _values[Count] = value;
        _hashes[Count] = hash;
        Insert(_slots, hash, Count);
        return Count++;
    }

    private static void Insert(Slot[] slots, ulong hash, int entry)
    {
        var mask = slots.Length - 1;
        var slot = SlotOf(hash, mask);
        while (slots[slot].Entry != 0)
        {
            slot = (slot + 1) & mask;
        }

        slots[slot] = new Slot { Hash = hash, Entry = entry + 1 };
    }

    private static int SlotOf(ulong hash, int mask) => (int)((hash * 0x9E3779B97F4A7C15UL) >> 32) & mask;

    private struct Slot
    {
        public ulong Hash;
        public int Entry;
    }
}
