using Mlops.Pipeline.Data.Contracts;

namespace Mlops.Pipeline.Data.Readers;

/// <summary>
/// One record of a data set, typed by the contract: <c>row[i]</c> is the value of contract column i. The reader
/// reuses one instance per pass (millions of rows, no garbage): copy with <see cref="Clone"/> to keep a row.
/// </summary>
public sealed class DataRow
{
    private readonly FieldValue[] _values;
    private int _usable; // 0: not worked out yet for these values, 1: usable, 2: not
    private bool _allValid; // every value is valid: set by the binder, which sees every state as it writes it

    internal DataRow(DataContract contract)
    {
        Contract = contract;
        _values = new FieldValue[contract.Columns.Count];
    }

    public DataContract Contract { get; }

    /// <summary>Name of the part (file or blob) the row came from.</summary>
    public string Source { get; internal set; } = "";

    /// <summary>1-based number of the record within its part.</summary>
    public long RecordNumber { get; internal set; }

    public ref readonly FieldValue this[int column] => ref _values[column];

    public FieldValue this[string column] => _values[Contract.IndexOf(column) is >= 0 and var i ? i : throw new ArgumentException($"The contract has no column '{column}'.", nameof(column))];

    public ReadOnlySpan<FieldValue> Values => _values;

    internal Span<FieldValue> WritableValues
    {
        get
        {
            (_usable, _allValid) = (0, false); // the values are about to change
            return _values;
        }
    }

    /// <summary>The label, when the contract has a boolean label and this row's is valid.</summary>
    public bool? Label => Contract.LabelIndex >= 0 && _values[Contract.LabelIndex] is { State: FieldState.Valid } label ? label.Boolean : null;

    /// <summary>
    /// Usable for training: every feature and the label is either valid or an allowed null, and the label is present.
    /// Id and ignored columns do not count.
    /// </summary>
    public bool IsUsable => _usable != 0 ? _usable == 1 : ComputeUsable();

    /// <summary>
    /// Every value is <see cref="FieldState.Valid"/> (so the row is usable): the usual row, which validation and
    /// profile handle without looking at each value's state.
    /// </summary>
    internal bool AllValid => _allValid;

    /// <summary>The binder saw every value it wrote valid.</summary>
    internal void MarkAllValid() => (_usable, _allValid) = (1, true);

    private bool ComputeUsable()
    {
        var usable = Usable();
        _usable = usable ? 1 : 2; // validation and profile both ask: work it out once per row
        return usable;

        bool Usable()
        {
            var columns = Contract.Columns;
            for (var i = 0; i < _values.Length; i++)
            {
                var state = _values[i].State;
                if (state is FieldState.Valid)
                {
                    continue;
                }

                var role = columns[i].Role;
                if (role is ColumnRole.Id or ColumnRole.Ignore)
                {
                    continue;
                }

                if (state != FieldState.Null || role is ColumnRole.Label or ColumnRole.Time)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public DataRow Clone()
    {
        var copy = new DataRow(Contract);
        CopyTo(copy);
        return copy;
    }

    internal void CopyTo(DataRow target)
    {
        target._usable = _usable;
        target._allValid = _allValid;
        target.Source = Source;
        target.RecordNumber = RecordNumber;
        _values.CopyTo(target._values, 0);
    }
}
