using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Mlops.Scoring.Model;
using Mlops.Scoring.Scoring;

namespace Mlops.Scoring.Telemetry;

/// <summary>
/// Per model version: requests by outcome, rows, latency, and input and prediction counts per bin (bins from the
/// training profile). Bins travel as counters with <c>feature</c> and <c>bin</c> attributes, not as histogram
/// buckets, because the Azure Monitor exporter drops bucket counts; in Log Analytics they sum per bin.
/// </summary>
public sealed class ScoringMetrics : IDisposable
{
    public const string MeterName = "Mlops.Scoring";

    /// <summary>The outcomes the endpoint records.</summary>
    public static readonly string[] Outcomes = ["success", "bad_request", "fault", "error", "aborted"];

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rows;
    private readonly Histogram<double> _duration;
    private readonly KeyValuePair<string, object?>[] _modelTags;
    private readonly FrozenDictionary<string, KeyValuePair<string, object?>[]> _outcomeTags;
    private readonly BinCounts? _bins;

    public ScoringMetrics(IMeterFactory meterFactory, ModelIdentity model)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(model);
        _meter = meterFactory.Create(MeterName);
        _modelTags = [new("model", model.Name), new("version", model.Version), new("slot", model.Slot)];
        _outcomeTags = Outcomes.ToFrozenDictionary(o => o, o => (KeyValuePair<string, object?>[])[.. _modelTags, new("outcome", o)], StringComparer.Ordinal);
        _requests = _meter.CreateCounter<long>("mlops.scoring.requests", "{request}", "Scoring requests by outcome.");
        _rows = _meter.CreateCounter<long>("mlops.scoring.rows", "{row}", "Rows scored.");
        _duration = _meter.CreateHistogram<double>("mlops.scoring.duration", "ms", "Time to answer a scoring request.");
        if (model.Signature is { } signature)
        {
            _bins = new BinCounts(signature);
            _meter.CreateObservableCounter("mlops.scoring.input.bin", () => _bins.InputMeasurements(_modelTags), "{row}",
                "Rows per input feature bin; bins from the training profile.");
            _meter.CreateObservableCounter("mlops.scoring.prediction.bin", () => _bins.PredictionMeasurements(_modelTags), "{row}",
                "Rows per prediction bin.");
        }
    }

    public void RecordRequest(string outcome, double milliseconds)
    {
        // Tag arrays per outcome are built once: recording is on every request's path.
        var tags = _outcomeTags.TryGetValue(outcome, out var known) ? known : [.. _modelTags, new("outcome", outcome)];

        _requests.Add(1, tags);
        _duration.Record(milliseconds, tags);
    }

    public void RecordScored(FeatureColumns columns, ScoredBatch scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        RecordScored(columns, new ScoredRows(scored, 0, scored.Values.Length));
    }

    /// <summary>Counts a request's rows, inputs and predictions; <paramref name="scored"/> is its slice of a micro-batch.</summary>
    public void RecordScored(FeatureColumns columns, ScoredRows scored)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _rows.Add(columns.Count, _modelTags);
        _bins?.Count(columns, scored);
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>Lock-free running counts per bin, read when the exporter collects.</summary>
    private sealed class BinCounts
    {
        private readonly (int Feature, string Name, double[] Edges)[] _numeric;
        private readonly (int Feature, string Name, Dictionary<string, int> Index, string[] Labels)[] _categorical;
        private readonly long[][] _numericCounts;
        private readonly long[][] _categoricalCounts;
        private readonly double[] _predictionEdges;
        private readonly long[] _predictionCounts;

        public BinCounts(ModelSignature signature)
        {
            var features = signature.Features.Select((f, i) => (f, i)).ToList();
            _numeric = [.. features
                .Where(x => x.f.Type is FeatureType.Number or FeatureType.Integer && signature.Telemetry.NumericBins.ContainsKey(x.f.Name))
                .Select(x => (x.i, x.f.Name, signature.Telemetry.NumericBins[x.f.Name]))];
            _categorical = [.. features
                .Where(x => x.f.Type == FeatureType.Categorical && signature.Telemetry.Categories.ContainsKey(x.f.Name))
                .Select(x =>
                {
                    var labels = signature.Telemetry.Categories[x.f.Name];
                    return (x.i, x.f.Name, labels.Select((c, k) => (c, k)).ToDictionary(p => p.c, p => p.k, StringComparer.Ordinal), labels.Append("other").ToArray());
                })];
            _numericCounts = [.. _numeric.Select(n => new long[n.Edges.Length + 1])];
            _categoricalCounts = [.. _categorical.Select(c => new long[c.Labels.Length])];
            _predictionEdges = signature.Telemetry.PredictionBins;
            _predictionCounts = new long[_predictionEdges.Length + 1];
        }

        public void Count(FeatureColumns columns, ScoredRows scored)
        {
            for (var k = 0; k < _numeric.Length; k++)
            {
                var values = columns.Numeric(_numeric[k].Feature);
                for (var row = 0; row < columns.Count; row++)
                {
                    Interlocked.Increment(ref _numericCounts[k][BinOf(_numeric[k].Edges, values[row])]);
                }
            }

            for (var k = 0; k < _categorical.Length; k++)
            {
                var values = columns.Text(_categorical[k].Feature);
                var other = _categorical[k].Labels.Length - 1;
                for (var row = 0; row < columns.Count; row++)
                {
                    Interlocked.Increment(ref _categoricalCounts[k][_categorical[k].Index.GetValueOrDefault(values[row], other)]);
                }
            }

            foreach (var value in scored.Batch.Values.AsSpan(scored.Offset, scored.Count))
            {
                Interlocked.Increment(ref _predictionCounts[BinOf(_predictionEdges, value)]);
            }
        }

        public IEnumerable<Measurement<long>> InputMeasurements(KeyValuePair<string, object?>[] modelTags)
        {
            for (var k = 0; k < _numeric.Length; k++)
            {
                for (var bin = 0; bin < _numericCounts[k].Length; bin++)
                {
                    yield return new Measurement<long>(Volatile.Read(ref _numericCounts[k][bin]),
                        [.. modelTags, new("feature", _numeric[k].Name), new("bin", bin.ToString())]);
                }
            }

            for (var k = 0; k < _categorical.Length; k++)
            {
                for (var bin = 0; bin < _categoricalCounts[k].Length; bin++)
                {
                    yield return new Measurement<long>(Volatile.Read(ref _categoricalCounts[k][bin]),
                        [.. modelTags, new("feature", _categorical[k].Name), new("bin", _categorical[k].Labels[bin])]);
                }
            }
        }

        public IEnumerable<Measurement<long>> PredictionMeasurements(KeyValuePair<string, object?>[] modelTags)
        {
            for (var bin = 0; bin < _predictionCounts.Length; bin++)
            {
                yield return new Measurement<long>(Volatile.Read(ref _predictionCounts[bin]), [.. modelTags, new("bin", bin.ToString())]);
            }
        }

        /// <summary>The first bin whose upper edge is ≥ the value; past the last edge, the open last bin.</summary>
        private static int BinOf(double[] upperEdges, double value)
        {
            var index = Array.BinarySearch(upperEdges, value);
            return index >= 0 ? index : ~index;
        }
    }
}

/// <summary>What telemetry is tagged with: the model version this instance serves, and its slot.</summary>
public sealed record ModelIdentity(string Name, string Version, string Slot, ModelSignature? Signature);
