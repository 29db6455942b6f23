using System.Runtime.CompilerServices;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Data;

/// <summary>
/// The boolean label's class counts and the time column's range over one pass: what both the validation report
/// (label rate, time bounds, freshness) and the profile state. A mutable struct held in a field, so counting costs
/// no call on the per-row path.
/// </summary>
internal struct LabelAndTimeTally(DataContract contract)
{
    private readonly int _labelIndex = contract.Label is { Type: ColumnType.Boolean } ? contract.LabelIndex : -1;
    private readonly int _timeIndex = contract.TimeIndex;
    private bool _anyTime;
    private DateTime _timeMin;
    private DateTime _timeMax;

    public long Positives { get; private set; }

    public long Negatives { get; private set; }

    /// <summary>The earliest valid time seen; null before any.</summary>
    public readonly DateTime? TimeMin => _anyTime ? _timeMin : null;

    /// <summary>The latest valid time seen; null before any.</summary>
    public readonly DateTime? TimeMax => _anyTime ? _timeMax : null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Observe(ReadOnlySpan<FieldValue> values)
    {
        if (_labelIndex >= 0 && values[_labelIndex].State == FieldState.Valid)
        {
            if (values[_labelIndex].Boolean)
            {
                Positives++;
            }
            else
            {
                Negatives++;
            }
        }

        if (_timeIndex >= 0 && values[_timeIndex].State == FieldState.Valid)
        {
            var time = values[_timeIndex].Time;
            if (!_anyTime)
            {
                (_anyTime, _timeMin, _timeMax) = (true, time, time);
            }
            else if (time < _timeMin)
            {
                _timeMin = time;
            }
            else if (time > _timeMax)
            {
                _timeMax = time;
            }
        }
    }
}
