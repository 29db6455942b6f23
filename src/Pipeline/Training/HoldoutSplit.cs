using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Training;

/// <summary>
/// Which usable rows are held out: by time (everything from a cut-off instant: the model is judged on the future
/// it will meet) or at random with the spec's seed (a hash of the row's part and number, so every pass agrees).
/// Made with one pass that also counts both sides and their classes, so an empty or one-class side is an error
/// before training starts. Given a layout, the same pass keeps the model inputs in an <see cref="InputCache"/> when
/// they fit its budget, so training and evaluation need not read the files again (<see cref="View"/>).
/// </summary>
internal sealed class HoldoutSplit
{
    private readonly Func<DataRow, bool> _isHoldout;

    private HoldoutSplit(Func<DataRow, bool> isHoldout, DateTime? holdoutFrom, long trainRows, long holdoutRows, InputCache? cache)
    {
        _isHoldout = isHoldout;
        Cache = cache;
        HoldoutFrom = holdoutFrom;
        TrainRows = trainRows;
        HoldoutRows = holdoutRows;
    }

    public DateTime? HoldoutFrom { get; }

    public long TrainRows { get; }

    public long HoldoutRows { get; }

    /// <summary>Every usable row's model inputs, when they fitted the budget; null means the views stream the files.</summary>
    public InputCache? Cache { get; }

    public bool IsHoldout(DataRow row) => _isHoldout(row);

    /// <summary>The holdout or the training rows as an ML.NET view: from the cache when there is one, else streamed from the files.</summary>
    public ContractDataView View(DataSet data, FeatureLayout layout, bool holdout, bool withLabel = true)
    {
        var rows = holdout ? HoldoutRows : TrainRows;
        return Cache is { } cache
            ? new ContractDataView(cache, layout, holdout, withLabel, rows)
            : new ContractDataView(data, layout, holdout ? IsHoldout : row => !IsHoldout(row), withLabel, rows);
    }

    public static Task<HoldoutSplit> CreateAsync(DataSet data, DataContract contract, TrainingSpec spec, CancellationToken cancellationToken) =>
        CreateAsync(data, contract, spec, cacheLayout: null, cacheBudgetBytes: 0, cancellationToken);

    /// <param name="cacheLayout">When given, the pass also fills an <see cref="InputCache"/> of these inputs, up to <paramref name="cacheBudgetBytes"/>.</param>
    public static async Task<HoldoutSplit> CreateAsync(
        DataSet data, DataContract contract, TrainingSpec spec, FeatureLayout? cacheLayout, long cacheBudgetBytes, CancellationToken cancellationToken)
    {
        var split = spec.Split;
        var binary = spec.Task == TrainingTask.BinaryClassification;
        var reader = new ContractReader(data, contract);
        var cache = cacheLayout is null ? null : new InputCache(cacheLayout, cacheBudgetBytes);
        if (split.Kind == SplitKind.Time && split.HoldoutFraction is { } fraction)
        {
            // The cut-off is the time quantile of the usable rows: one pass keeps their times (8 bytes a row) and labels.
            var times = new List<long>();
            var labels = new List<bool>();
            await foreach (var row in reader.ReadAsync(cancellationToken))
            {
                if (row.IsUsable)
                {
                    times.Add(row[contract.TimeIndex].Time.Ticks);
                    labels.Add(row.Label == true);
                    if (cache is not null && !cache.TryAdd(row, holdout: false))
                    {
                        cache = null; // over budget: the views stream instead
                    }
                }
            }

            var order = Enumerable.Range(0, times.Count).OrderBy(i => times[i]).ToArray();
            var cut = Math.Min(order.Length - 1, (int)Math.Floor(order.Length * (1 - fraction)));
            var cutoff = order.Length == 0 ? DateTime.MaxValue : new DateTime(times[order[cut]]);
            long train = 0, holdout = 0, trainPositives = 0, holdoutPositives = 0;
            for (var i = 0; i < times.Count; i++)
            {
                var held = times[i] >= cutoff.Ticks;
                if (held) { holdout++; holdoutPositives += labels[i] ? 1 : 0; }
                else { train++; trainPositives += labels[i] ? 1 : 0; }
                cache?.SetHoldout(i, held);
            }

            Check(binary, train, trainPositives, holdout, holdoutPositives);
            var timeIndex = contract.TimeIndex;
            return new HoldoutSplit(row => row[timeIndex].Time >= cutoff, cutoff, train, holdout, cache);
        }

        Func<DataRow, bool> isHoldout;
        DateTime? from = null;
        if (split.Kind == SplitKind.Time)
        {
            from = split.HoldoutFrom!.Value;
            var timeIndex = contract.TimeIndex;
            var instant = from.Value;
            isHoldout = row => row[timeIndex].Time >= instant;
        }
        else
        {
            var threshold = (ulong)(split.HoldoutFraction!.Value * ulong.MaxValue);
            var seed = spec.Seed;
            isHoldout = row => RowHash(seed, row) < threshold;
        }

        long trainRows = 0, holdoutRows = 0, trainTrue = 0, holdoutTrue = 0;
        await foreach (var row in reader.ReadAsync(cancellationToken))
        {
            if (!row.IsUsable)
            {
                continue;
            }

            var positive = row.Label == true ? 1 : 0;
            var inHoldout = isHoldout(row);
            if (inHoldout) { holdoutRows++; holdoutTrue += positive; }
            else { trainRows++; trainTrue += positive; }
            if (cache is not null && !cache.TryAdd(row, inHoldout))
            {
                cache = null; // over budget: the views stream instead
            }
        }

        Check(binary, trainRows, trainTrue, holdoutRows, holdoutTrue);
        return new HoldoutSplit(isHoldout, from, trainRows, holdoutRows, cache);
    }

    private static void Check(bool binary, long train, long trainPositives, long holdout, long holdoutPositives)
    {
        if (holdout == 0)
        {
            throw new TrainingSpecException("split", "the holdout is empty: no usable row falls in it. Move holdoutFrom earlier or raise holdoutFraction.");
        }

        if (train == 0)
        {
            throw new TrainingSpecException("split", "nothing is left to train on: every usable row falls in the holdout.");
        }

        if (binary && (trainPositives == 0 || trainPositives == train))
        {
            throw new TrainingSpecException("split", $"the training rows have one class only ({trainPositives} of {train} true).");
        }

        if (binary && (holdoutPositives == 0 || holdoutPositives == holdout))
        {
            throw new TrainingSpecException("split", $"the holdout has one class only ({holdoutPositives} of {holdout} true): AUC is undefined.");
        }
    }

    /// <summary>A stable 64-bit hash of (seed, part name, record number): FNV-1a over the name, then SplitMix64 mixing.</summary>
    private static ulong RowHash(int seed, DataRow row)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in row.Source)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        var x = hash ^ ((ulong)(uint)seed << 32) ^ (ulong)row.RecordNumber;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}
