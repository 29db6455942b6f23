namespace Mlops.Pipeline.Data.Profiling;

/// <summary>One categorical (or boolean) feature of a profile being built: counts per value, bounded, plus "other".</summary>
internal sealed class CategoricalColumn
{
    private readonly CategoryIndex _index = new();
    private long[] _counts = new long[16];
    private readonly int _capacity;
    private readonly bool _fixed;
    private long _other;
    private bool _overflowed;

    private CategoricalColumn(int capacity, bool isFixed)
    {
        _capacity = capacity;
        _fixed = isFixed;
    }

    /// <summary>Counts the first <paramref name="capacity"/> distinct values; later new ones count as "other".</summary>
    public static CategoricalColumn Learning(int capacity) => new(capacity, false);

    /// <summary>Counts the reference's categories, in the reference's order; everything else is "other".</summary>
    public static CategoricalColumn WithCategories(IEnumerable<string> categories)
    {
        var column = new CategoricalColumn(int.MaxValue, true);
        foreach (var category in categories)
        {
            column.Insert(category, CategoryIndex.Hash(category));
        }

        return column;
    }

    /// <summary>
    /// Counts <paramref name="value"/>; <paramref name="hash"/> is <see cref="CategoryIndex.Hash"/> of it (a category's
    /// <c>TextHash</c>), <paramref name="id"/> its <c>CategoryId</c> (0 if none).
    /// </summary>
    public void Add(string value, ulong hash, int id = 0)
    {
        var index = _index.IndexOf(value, hash, id);
        if (index >= 0)
        {
            _counts[index]++;
            return;
        }

        if (_fixed || _index.Count >= _capacity)
        {
            _other++;
            _overflowed |= !_fixed;
            return;
        }

        var added = Insert(value, hash); // before indexing: Insert may replace _counts
        _counts[added] = 1;
    }

    private int Insert(string value, ulong hash)
    {
        var index = _index.Add(value, hash);
        if (index >= _counts.Length)
        {
            Array.Resize(ref _counts, _counts.Length * 2);
        }

        return index;
    }

    public CategoricalProfile Build()
    {
        var counts = Enumerable.Range(0, _index.Count).Select(i => new CategoryCount(_index[i], _counts[i]));
        // A reference layout keeps the reference's order, so both sides of a drift comparison list the same values.
        IEnumerable<CategoryCount> categories = _fixed
            ? counts
            : counts.OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal);
        return new CategoricalProfile([.. categories], _other, Complete: !_fixed && !_overflowed);
    }
}
