namespace Mlops.Pipeline.Data.Profiling;

/// <summary>One categorical (or boolean) feature of a profile being built: counts per value, bounded, plus "other".</summary>
internal sealed class CategoricalColumn
{
    private readonly Dictionary<string, long> _counts;
    private readonly int _capacity;
    private readonly bool _fixed;
    private readonly List<string> _order = [];
    private long _other;
    private bool _overflowed;

    private CategoricalColumn(Dictionary<string, long> counts, int capacity, bool isFixed)
    {
        _counts = counts;
        _capacity = capacity;
        _fixed = isFixed;
    }

    /// <summary>Counts the first <paramref name="capacity"/> distinct values; later new ones count as "other".</summary>
    public static CategoricalColumn Learning(int capacity) => new(new Dictionary<string, long>(StringComparer.Ordinal), capacity, false);

    /// <summary>Counts the reference's categories, in the reference's order; everything else is "other".</summary>
    public static CategoricalColumn WithCategories(IEnumerable<string> categories)
    {
        var column = new CategoricalColumn(new Dictionary<string, long>(StringComparer.Ordinal), int.MaxValue, true);
        foreach (var category in categories)
        {
            if (column._counts.TryAdd(category, 0))
            {
                column._order.Add(category);
            }
        }

        return column;
    }

    public void Add(string value)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_counts, value);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot))
        {
            slot++;
            return;
        }

        if (_fixed || _counts.Count >= _capacity)
        {
            _other++;
            _overflowed |= !_fixed;
            return;
        }

        _counts[value] = 1;
    }

    public CategoricalProfile Build()
    {
        // A reference layout keeps the reference's order, so both sides of a drift comparison list the same values.
        IEnumerable<CategoryCount> categories = _fixed
            ? _order.Select(v => new CategoryCount(v, _counts[v]))
            : _counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new CategoryCount(p.Key, p.Value));
        return new CategoricalProfile([.. categories], _other, Complete: !_fixed && !_overflowed);
    }
}
