namespace Mlops.Pipeline.Data.Contracts;

/// <summary>
/// A model's data contract: the columns a data set must have, what each holds and is for, and the rules the data set
/// as a whole must meet. Made by <see cref="DataContractParser"/>, which rejects unknown keys and contradictions.
/// </summary>
public sealed class DataContract
{
    private readonly Dictionary<string, int> _indexByName;

    internal DataContract(string? name, IReadOnlyList<ColumnContract> columns, DataSetRules rules, string json)
    {
        Name = name;
        Columns = columns;
        Rules = rules;
        Json = json;
        _indexByName = columns.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        LabelIndex = IndexOfRole(ColumnRole.Label);
        TimeIndex = IndexOfRole(ColumnRole.Time);
        FeatureIndexes = [.. columns.Select((c, i) => (c, i)).Where(p => p.c.Role == ColumnRole.Feature).Select(p => p.i)];
    }

    public string? Name { get; }

    /// <summary>Columns in contract order; rows and profiles use the same order and indexes.</summary>
    public IReadOnlyList<ColumnContract> Columns { get; }

    public DataSetRules Rules { get; }

    /// <summary>The contract's JSON text as parsed: profiles carry it so that drift reads data with the same contract.</summary>
    public string Json { get; }

    /// <summary>Index of the label column, or -1.</summary>
    public int LabelIndex { get; }

    /// <summary>Index of the time column, or -1.</summary>
    public int TimeIndex { get; }

    public IReadOnlyList<int> FeatureIndexes { get; }

    public ColumnContract? Label => LabelIndex >= 0 ? Columns[LabelIndex] : null;

    public int IndexOf(string columnName) => _indexByName.TryGetValue(columnName, out var index) ? index : -1;

    private int IndexOfRole(ColumnRole role)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Role == role)
            {
                return i;
            }
        }

        return -1;
    }
}
