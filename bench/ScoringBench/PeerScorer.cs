using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;
using Mlops.Scoring.Model;
using Mlops.Scoring.Scoring;
using Mlops.Scoring.Tests;

namespace Mlops.ScoringBench;

/// <summary>
/// The .NET peer: scores parsed rows with a pool of ML.NET PredictionEngines (one engine per concurrent request,
/// as a Microsoft.Extensions.ML PredictionEnginePool does), from the same training run's model.zip.
/// </summary>
internal sealed class PeerScorer
{
    private readonly ObjectPool<Lease> _pool;
    private readonly int _date;
    private readonly int _distance;
    private readonly int _origin;
    private readonly int _destination;

    public PeerScorer(string modelZip, ModelSignature signature)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(modelZip, out _);
        _pool = new DefaultObjectPool<Lease>(new LeasePolicy(ml, model), Environment.ProcessorCount * 4);
        var index = signature.Features.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i);
        (_date, _distance, _origin, _destination) = (index["date"], index["distance"], index["origin"], index["destination"]);
    }

    public ScoredBatch Score(FeatureColumns columns)
    {
        var n = columns.Count;
        var values = new float[n];
        var labels = new bool[n];
        var dates = columns.Dates(_date);
        var distances = columns.Numeric(_distance);
        var origins = columns.Text(_origin);
        var destinations = columns.Text(_destination);
        var lease = _pool.Get();
        try
        {
            for (var row = 0; row < n; row++)
            {
                var input = lease.Input;
                input.Hour = dates[row].Hour;
                input.DayOfWeek = (float)dates[row].DayOfWeek;
                input.Distance = distances[row];
                input.Origin = origins[row];
                input.Destination = destinations[row];
                lease.Engine.Predict(input, ref lease.Output);
                values[row] = lease.Output.Probability;
                labels[row] = lease.Output.PredictedLabel;
            }
        }
        finally
        {
            _pool.Return(lease);
        }

        return new ScoredBatch(values, labels);
    }

    internal sealed class Output
    {
        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    private sealed class Lease(PredictionEngine<FlightsTestModel.Input, Output> engine)
    {
        public PredictionEngine<FlightsTestModel.Input, Output> Engine { get; } = engine;

        public FlightsTestModel.Input Input { get; } = new();

#pragma warning disable CA1051 // passed by ref to Predict, so it reuses one output object
        public Output Output = new();
#pragma warning restore CA1051
    }

    private sealed class LeasePolicy(MLContext ml, ITransformer model) : PooledObjectPolicy<Lease>
    {
        public override Lease Create() => new(ml.Model.CreatePredictionEngine<FlightsTestModel.Input, Output>(model));

        public override bool Return(Lease obj) => true;
    }
}
