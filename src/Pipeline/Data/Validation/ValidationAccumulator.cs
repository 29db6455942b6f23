using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json.Nodes;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Profiling;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Data.Validation;

/// <summary>
/// Applies a contract to rows seen once and turns what it saw into a <see cref="ValidationReport"/>. Memory is
/// bounded: counters and at most <see cref="ContractReader.MaxExamples"/> examples per check, plus a bounded
/// duplicate-row counter.
/// </summary>
public sealed class ValidationAccumulator
{
    private readonly DataContract _contract;
    private readonly DataProfile? _reference;
    private readonly TimeProvider _timeProvider;
    private readonly ColumnTally[] _columns;
    private readonly CategoryIndex?[] _allowed;

    // Per column, copied out of the contract once (its IReadOnlyList costs an interface call per field): numeric,
    // datetime, and the bounds (NaN when absent, which no comparison passes, like a null bound).
    private readonly bool[] _isNumeric;
    private readonly bool[] _isDateTime;
    private readonly double[] _min;
    private readonly double[] _max;

    // What a row whose values are all valid still needs checked: the numeric columns' bounds, the categories.
    private readonly int[] _numericColumns;
    private readonly int[] _checkedCategoryColumns;
    private const ulong RowHashSeed = 0x9E3779B97F4A7C15UL;
    private ulong[] _hashes = [];
    private int[] _rowParts = [];
    private string? _lastSource;
    private int _lastPart;
    private readonly DuplicateRowCounter? _duplicates;
    private readonly Dictionary<string, int> _partIndex = new(StringComparer.Ordinal);
    private readonly List<string> _partNames = [];
    private long _rows;
    private long _usableRows;
    private readonly int _timeIndex;
    private LabelAndTimeTally _labelAndTime;
    private readonly DateTime _timeLow; // the rules' time bounds; DateTime.MinValue/MaxValue when absent, which no time passes
    private readonly DateTime _timeHigh;
    private readonly Tally _beforeTimeMin = new();
    private readonly Tally _afterTimeMax = new();

    /// <param name="reference">The reference profile: the categories of columns whose categories are "learned".</param>
    /// <param name="timeProvider">"Now" for the freshness rule.</param>
    public ValidationAccumulator(DataContract contract, DataProfile? reference = null, TimeProvider? timeProvider = null)
    {
        _contract = contract ?? throw new ArgumentNullException(nameof(contract));
        _reference = reference;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _columns = [.. contract.Columns.Select(_ => new ColumnTally())];
        _allowed = [.. contract.Columns.Select(AllowedCategories)];
        _isNumeric = [.. contract.Columns.Select(c => c.IsNumeric)];
        _isDateTime = [.. contract.Columns.Select(c => c.Type == ColumnType.DateTime)];
        _min = [.. contract.Columns.Select(c => c.Min ?? double.NaN)];
        _max = [.. contract.Columns.Select(c => c.Max ?? double.NaN)];
        _numericColumns = [.. Enumerable.Range(0, _isNumeric.Length).Where(i => _isNumeric[i])];
        _checkedCategoryColumns = [.. Enumerable.Range(0, _isNumeric.Length).Where(i => !_isNumeric[i] && _allowed[i] is not null)];
        _duplicates = contract.Rules.MaxDuplicateRowFraction is not null ? new DuplicateRowCounter() : null;
        _labelAndTime = new LabelAndTimeTally(contract);
        _timeIndex = contract.TimeIndex;
        (_timeLow, _timeHigh) = (contract.Rules.TimeMin ?? DateTime.MinValue, contract.Rules.TimeMax ?? DateTime.MaxValue);
    }

    private CategoryIndex? AllowedCategories(ColumnContract column)
    {
        if (column.Categories is { } listed)
        {
            return Index(listed);
        }

        if (column.CategoriesLearned && _reference?.Column(column.Name)?.Categorical is { } learned)
        {
            return Index(learned.Categories.Where(c => c.Count > 0).Select(c => c.Value));
        }

        return null;

        static CategoryIndex Index(IEnumerable<string> values)
        {
            var index = new CategoryIndex();
            foreach (var value in values)
            {
                index.Add(value, CategoryIndex.Hash(value));
            }

            return index;
        }
    }

    public void Observe(DataRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var part = ObserveRow(row);
        _duplicates?.Observe(RowHash(row.Values), part, row.RecordNumber);
    }

    /// <summary>
    /// Every row of <paramref name="batch"/>, as <see cref="Observe(DataRow)"/> would one by one. The duplicate-row
    /// hashes are a long chain of dependent multiplications per row; computing four rows' chains side by side lets
    /// the processor overlap them.
    /// </summary>
    // Called once per batch, so tiered compilation would leave its hot loop in slow early code for most of a run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Observe(DataRowBatch batch)
    {
        var rows = batch.Rows;
        if (_duplicates is null)
        {
            foreach (var row in rows)
            {
                ObserveRow(row);
            }

            return;
        }

        if (_hashes.Length < rows.Length)
        {
            _hashes = new ulong[rows.Length];
        }

        var hashes = _hashes.AsSpan(0, rows.Length);
        var i = 0;
        for (; i + 4 <= rows.Length; i += 4)
        {
            RowHashes(rows[i].Values, rows[i + 1].Values, rows[i + 2].Values, rows[i + 3].Values, hashes.Slice(i, 4));
        }

        for (; i < rows.Length; i++)
        {
            hashes[i] = RowHash(rows[i].Values);
        }

        _duplicates.Touch(hashes);
        if (_rowParts.Length < rows.Length)
        {
            _rowParts = new int[rows.Length];
        }

        var parts = _rowParts.AsSpan(0, rows.Length);
        for (i = 0; i < rows.Length; i++)
        {
            parts[i] = ObserveRow(rows[i]);
        }

        _duplicates.Observe(hashes, parts, rows);
    }

    /// <summary>The row's identity for duplicate counting: state and value of every column, in order.</summary>
    private static ulong RowHash(ReadOnlySpan<FieldValue> values)
    {
        var hash = RowHashSeed;
        for (var i = 0; i < values.Length; i++)
        {
            hash = Mix(Mix(hash, (ulong)values[i].State), values[i].RowKey);
        }

        return hash;
    }

    /// <summary>
    /// <see cref="RowHash"/> of four rows at once: in the four lanes of a vector where 64-bit multiplies are native
    /// (AVX-512), else as independent scalar chains that overlap in the processor.
    /// </summary>
    // Called once per four rows: optimized from the start (there is nothing for profile-guided optimization to learn here).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowHashes(ReadOnlySpan<FieldValue> a, ReadOnlySpan<FieldValue> b, ReadOnlySpan<FieldValue> c, ReadOnlySpan<FieldValue> d, Span<ulong> hashes)
    {
        if (Avx512DQ.VL.IsSupported)
        {
            var hash = Vector256.Create(RowHashSeed);
            for (var i = 0; i < a.Length; i++)
            {
                var states = Vector256.Create((ulong)a[i].State, (ulong)b[i].State, (ulong)c[i].State, (ulong)d[i].State);
                var keys = Vector256.Create(a[i].RowKey, b[i].RowKey, c[i].RowKey, d[i].RowKey);
                hash = Mix(Mix(hash, states), keys);
            }

            hash.CopyTo(hashes);
            return;
        }

        ulong ha = RowHashSeed, hb = RowHashSeed, hc = RowHashSeed, hd = RowHashSeed;
        for (var i = 0; i < a.Length; i++)
        {
            ha = Mix(Mix(ha, (ulong)a[i].State), a[i].RowKey);
            hb = Mix(Mix(hb, (ulong)b[i].State), b[i].RowKey);
            hc = Mix(Mix(hc, (ulong)c[i].State), c[i].RowKey);
            hd = Mix(Mix(hd, (ulong)d[i].State), d[i].RowKey);
        }

        (hashes[0], hashes[1], hashes[2], hashes[3]) = (ha, hb, hc, hd);
    }

    /// <summary>Everything but the duplicate count (the caller's, with the row's hash); returns the row's part number.</summary>
    private int ObserveRow(DataRow row)
    {
        _rows++;
        // Rows come part after part with the same Source string: look the part up only when it changes.
        var part = _lastPart;
        if (!ReferenceEquals(row.Source, _lastSource))
        {
            if (!_partIndex.TryGetValue(row.Source, out part))
            {
                part = _partNames.Count;
                _partIndex[row.Source] = part;
                _partNames.Add(row.Source);
            }

            (_lastSource, _lastPart) = (row.Source, part);
        }

        var values = row.Values;
        if (row.AllValid)
        {
            // The usual row: no state to tally (valid counts are what the other states leave, see Build), only the
            // values to check.
            _usableRows++;
            foreach (var i in _numericColumns)
            {
                CheckNumber(row, i, values[i].Number);
            }

            foreach (var i in _checkedCategoryColumns)
            {
                CheckCategory(row, i, values[i]);
            }
        }
        else
        {
            if (row.IsUsable)
            {
                _usableRows++;
            }

            for (var i = 0; i < values.Length; i++)
            {
                ref readonly var value = ref values[i];
                var tally = _columns[i];
                switch (value.State)
                {
                    case FieldState.Null:
                        tally.Nulls++;
                        break;
                    case FieldState.Invalid:
                        tally.Invalid.Add(row, value.Raw);
                        break;
                    case FieldState.NotFinite:
                        tally.NotFinite.Add(row, value.Raw);
                        break;
                    case FieldState.TooLong:
                        tally.TooLong.Add(row, value.Raw);
                        break;
                    default:
                        if (_isNumeric[i])
                        {
                            CheckNumber(row, i, value.Number);
                        }
                        else if (_allowed[i] is not null)
                        {
                            CheckCategory(row, i, value);
                        }

                        break;
                }
            }
        }

        _labelAndTime.Observe(values);
        if (_timeIndex >= 0 && values[_timeIndex].State == FieldState.Valid)
        {
            var t = values[_timeIndex].Time;
            if (t < _timeLow)
            {
                _beforeTimeMin.Add(row, FormatTime(t));
            }

            if (t > _timeHigh)
            {
                _afterTimeMax.Add(row, FormatTime(t));
            }
        }

        return part;
    }

    private void CheckNumber(DataRow row, int column, double number)
    {
        var tally = _columns[column];
        tally.Min = Math.Min(tally.Min, number);
        tally.Max = Math.Max(tally.Max, number);
        if (number < _min[column])
        {
            tally.BelowMin.Add(row, Format(number));
        }

        if (number > _max[column])
        {
            tally.AboveMax.Add(row, Format(number));
        }
    }

    private void CheckCategory(DataRow row, int column, in FieldValue value)
    {
        if (_allowed[column]!.IndexOf(value.Category!, value.TextHash, value.CategoryId) < 0)
        {
            _columns[column].Unseen.Add(row, RowBinder.Clip(value.Category!));
        }
    }

    /// <summary>The report, with the shape problems <paramref name="reader"/> met while reading.</summary>
    public ValidationReport Build(ContractReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var checks = new List<ValidationCheck>();
        var parts = reader.Parts;
        var rules = _contract.Rules;

        var failures = parts.Where(p => p.Failure is not null).Select(p => new RecordExample(p.Name, p.Failure!.RecordNumber, p.Failure.Message)).ToList();
        checks.Add(RowCheck("data.readable", null, failures.Count, failures, 0,
            failures.Count == 0 ? $"{parts.Count} part(s) read to the end" : $"{failures.Count} part(s) could not be read to the end"));

        var missing = parts.SelectMany(p => p.MissingColumns.Select(c => new RecordExample(p.Name, 0, c))).ToList();
        checks.Add(RowCheck("columns.missing", null, missing.Count, missing, 0,
            missing.Count == 0 ? "every contract column is present" : $"missing: {string.Join(", ", missing.Select(m => m.Value).Distinct())}; those parts were not read"));
        var duplicated = parts.SelectMany(p => p.DuplicatedColumns.Select(c => new RecordExample(p.Name, 0, c))).ToList();
        checks.Add(RowCheck("columns.duplicated", null, duplicated.Count, duplicated, 0,
            duplicated.Count == 0 ? "no column name repeats" : $"repeated: {string.Join(", ", duplicated.Select(m => m.Value).Distinct())}; those parts were not read"));
        var extra = parts.SelectMany(p => p.ExtraColumns.Select(c => new RecordExample(p.Name, 0, c))).ToList();
        var extraAllowed = rules.ExtraColumns == ExtraColumnsPolicy.Ignore;
        checks.Add(new ValidationCheck("columns.unexpected", null, extra.Count == 0 || extraAllowed, extra.Count, extraAllowed ? "ignore" : 0, extra.Count,
            [.. extra.Take(ContractReader.MaxExamples)],
            extra.Count == 0 ? "no columns beyond the contract" : $"not in the contract: {string.Join(", ", extra.Select(m => m.Value).Distinct())}{(extraAllowed ? " (ignored, as the contract allows)" : "")}"));
        checks.Add(RowCheck("rows.malformed", null, reader.MalformedRecords, reader.MalformedExamples, 0,
            reader.MalformedRecords == 0 ? "every record has the header's fields" : $"{reader.MalformedRecords} record(s) could not be split into the header's fields"));
        checks.Add(new ValidationCheck("rows.min", null, _usableRows >= rules.MinRows, _usableRows, rules.MinRows, _rows - _usableRows, null,
            $"{_usableRows} usable row(s) of {_rows} (a row is usable when its features and label parse)"));

        if (_duplicates is not null)
        {
            var limit = rules.MaxDuplicateRowFraction!.Value;
            var examples = _duplicates.Examples.Select(e => new RecordExample(_partNames[e.Part], e.Row, $"repeats row {e.FirstRow} of {_partNames[e.FirstPart]}")).ToList();
            checks.Add(new ValidationCheck("rows.maxDuplicateFraction", null, _duplicates.Fraction <= limit, Round(_duplicates.Fraction), limit, _duplicates.Duplicates, examples,
                _duplicates.IsExact ? "share of rows that repeat an earlier row" : $"share of rows that repeat an earlier row, estimated from a hash sample (more than {_duplicates.Capacity} distinct rows)"));
        }

        for (var i = 0; i < _contract.Columns.Count; i++)
        {
            AddColumnChecks(checks, _contract.Columns[i], _columns[i]);
        }

        if (_contract.Label is { Type: ColumnType.Boolean } labelColumn)
        {
            var (positives, negatives) = (_labelAndTime.Positives, _labelAndTime.Negatives);
            var classes = (positives > 0 ? 1 : 0) + (negatives > 0 ? 1 : 0);
            checks.Add(new ValidationCheck("label.classes", labelColumn.Name, classes == 2, classes, 2, null, null,
                $"{positives} true and {negatives} false: {(classes == 2 ? "both classes present" : "a classifier needs both classes")}"));
            double? rate = positives + negatives == 0 ? null : (double)positives / (positives + negatives);
            if (rules.MinLabelRate is { } minRate)
            {
                checks.Add(new ValidationCheck("label.minRate", labelColumn.Name, rate >= minRate, Number(rate), minRate, null, null, "share of true labels"));
            }

            if (rules.MaxLabelRate is { } maxRate)
            {
                checks.Add(new ValidationCheck("label.maxRate", labelColumn.Name, rate <= maxRate, Number(rate), maxRate, null, null, "share of true labels"));
            }
        }

        if (_contract.TimeIndex >= 0)
        {
            var timeColumn = _contract.Columns[_contract.TimeIndex].Name;
            if (rules.TimeMin is { } timeMin)
            {
                checks.Add(new ValidationCheck("time.min", timeColumn, _beforeTimeMin.Count == 0, Text(_labelAndTime.TimeMin), FormatTime(timeMin), _beforeTimeMin.Count, _beforeTimeMin.Examples,
                    "earliest time seen; rows before the limit are counted"));
            }

            if (rules.TimeMax is { } timeMax)
            {
                checks.Add(new ValidationCheck("time.max", timeColumn, _afterTimeMax.Count == 0, Text(_labelAndTime.TimeMax), FormatTime(timeMax), _afterTimeMax.Count, _afterTimeMax.Examples,
                    "latest time seen; rows after the limit are counted"));
            }

            if (rules.MaxAgeDays is { } maxAge)
            {
                double? age = _labelAndTime.TimeMax is { } latest ? Round((_timeProvider.GetUtcNow().UtcDateTime - latest).TotalDays) : null;
                checks.Add(new ValidationCheck("time.maxAgeDays", timeColumn, age <= maxAge, Number(age), maxAge, null, null,
                    "age in days of the newest row (freshness)"));
            }
        }

        return new ValidationReport(checks.All(c => c.Passed), checks);
    }

    private void AddColumnChecks(List<ValidationCheck> checks, ColumnContract column, ColumnTally tally)
    {
        var name = column.Name;
        var valid = _rows - tally.Nulls - tally.Invalid.Count - tally.NotFinite.Count - tally.TooLong.Count; // every value has one state
        checks.Add(RowCheck("column.type", name, tally.Invalid.Count, tally.Invalid.Examples, 0, $"values that are not {Describe(column)}"));
        if (column.IsNumeric)
        {
            checks.Add(RowCheck("column.finite", name, tally.NotFinite.Count, tally.NotFinite.Examples, 0, "NaN or infinite values"));
        }

        if (column.Type == ColumnType.Categorical)
        {
            checks.Add(RowCheck("column.maxLength", name, tally.TooLong.Count, tally.TooLong.Examples, column.MaxLength, $"values longer than {column.MaxLength} characters"));
        }

        var nullFraction = _rows == 0 ? 0 : (double)tally.Nulls / _rows;
        checks.Add(new ValidationCheck("column.maxNullFraction", name, nullFraction <= column.MaxNullFraction, Round(nullFraction), column.MaxNullFraction, tally.Nulls, null,
            "share of empty or missing values"));
        if (column.Min is { } min)
        {
            checks.Add(new ValidationCheck("column.min", name, tally.BelowMin.Count == 0, valid > 0 ? tally.Min : null, min, tally.BelowMin.Count, tally.BelowMin.Examples,
                "smallest value seen; values below the limit are counted"));
        }

        if (column.Max is { } max)
        {
            checks.Add(new ValidationCheck("column.max", name, tally.AboveMax.Count == 0, valid > 0 ? tally.Max : null, max, tally.AboveMax.Count, tally.AboveMax.Examples,
                "largest value seen; values above the limit are counted"));
        }

        if (column.Categories is not null || column.CategoriesLearned)
        {
            var index = _contract.IndexOf(name);
            if (_allowed[index] is null)
            {
                checks.Add(new ValidationCheck("column.categories", name, true, null, column.MaxUnseenShare, null, null,
                    "not checked: the categories are learned from a reference profile and none was given"));
            }
            else
            {
                var share = valid == 0 ? 0 : (double)tally.Unseen.Count / valid;
                checks.Add(new ValidationCheck("column.categories", name, share <= column.MaxUnseenShare, Round(share), column.MaxUnseenShare, tally.Unseen.Count, tally.Unseen.Examples,
                    column.CategoriesLearned ? "share of values the reference profile never saw" : "share of values not in the contract's categories"));
            }
        }
    }

    private static ValidationCheck RowCheck(string rule, string? column, long count, IReadOnlyList<RecordExample> examples, JsonNode? limit, string message) =>
        new(rule, column, count == 0, count, limit, count, [.. examples.Take(ContractReader.MaxExamples)], message);

    private static string Describe(ColumnContract column) => column.Type switch
    {
        ColumnType.Number => "numbers",
        ColumnType.Integer => "whole numbers",
        ColumnType.Boolean => "true/false",
        ColumnType.DateTime => $"datetimes in the format {column.Format}",
        _ => "text",
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong hash, ulong value)
    {
        // A splitmix64 step: cheap, and order-sensitive, so (a, b) and (b, a) differ.
        hash ^= value + 0x9E3779B97F4A7C15UL + (hash << 6) + (hash >> 2);
        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }

    /// <summary><see cref="Mix(ulong, ulong)"/> in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mix(Vector256<ulong> hash, Vector256<ulong> value)
    {
        hash ^= value + Vector256.Create(0x9E3779B97F4A7C15UL) + (hash << 6) + (hash >>> 2);
        hash ^= hash >>> 30;
        hash *= Vector256.Create(0xBF58476D1CE4E5B9UL);
        hash ^= hash >>> 27;
        hash *= Vector256.Create(0x94D049BB133111EBUL);
        return hash ^ (hash >>> 31);
    }

    /// <summary>Fractions are rounded to 6 decimals so the report reads well; the verdicts use the exact values.</summary>
    private static double Round(double value) => Math.Round(value, 6);

    private static JsonNode? Number(double? value) => value is { } v ? Round(v) : null;

    private static JsonNode? Text(DateTime? value) => value is { } v ? FormatTime(v) : null;

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string FormatTime(DateTime value) => value.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

    private sealed class ColumnTally
    {
        public long Nulls;
        public double Min = double.PositiveInfinity;
        public double Max = double.NegativeInfinity;
        public readonly Tally Invalid = new();
        public readonly Tally NotFinite = new();
        public readonly Tally TooLong = new();
        public readonly Tally BelowMin = new();
        public readonly Tally AboveMax = new();
        public readonly Tally Unseen = new();
    }

    /// <summary>A count of offending values and the first few of them.</summary>
    private sealed class Tally
    {
        public long Count;
        public readonly List<RecordExample> Examples = [];

        public void Add(DataRow row, string? value)
        {
            Count++;
            if (Examples.Count < ContractReader.MaxExamples)
            {
                Examples.Add(new RecordExample(row.Source, row.RecordNumber, value ?? ""));
            }
        }
    }
}
