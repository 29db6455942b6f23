using Mlops.Scoring.Hosting;
using Mlops.Scoring.Scoring;
using Mlops.Scoring.Telemetry;

namespace Mlops.Scoring.Model;

/// <summary>A model version loaded, warmed up and ready to score, with its batcher and telemetry.</summary>
public sealed class ServingModel(OnnxModel model, MicroBatcher? batcher, ScoringMetrics metrics, string registeredAt, ScoreRequestParser? parser = null)
    : IAsyncDisposable
{
    public OnnxModel Model { get; } = model;

    /// <summary>The request parser for this model, made once (it is thread-safe).</summary>
    public ScoreRequestParser Parser { get; } = parser ?? new ScoreRequestParser(model.Signature, new ScoringOptions().MaxRowsPerRequest);

    public MicroBatcher? Batcher { get; } = batcher;

    public ScoringMetrics Metrics { get; } = metrics;

    public string RegisteredAt { get; } = registeredAt;

    public async ValueTask DisposeAsync()
    {
        if (Batcher is not null)
        {
            await Batcher.DisposeAsync();
        }

        Metrics.Dispose();
        Model.Dispose();
    }
}

/// <summary>
/// Holds what the app serves: nothing until the model is loaded, verified and warm; then one
/// <see cref="ServingModel"/>. Readiness and its reason come from here.
/// </summary>
public sealed class ModelHost : IAsyncDisposable
{
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ServingModel? _serving;
    private volatile string _notReadyReason = "The model is loading.";

    public ServingModel? Serving => _serving;

    public string NotReadyReason => _notReadyReason;

    /// <summary>Completes when loading has ended: ready, or not ready for a reason retrying cannot fix.</summary>
    public Task Settled => _settled.Task;

    public void SetReady(ServingModel serving)
    {
        _serving = serving;
        _settled.TrySetResult();
    }

    /// <summary>Not ready; <paramref name="final"/> when retrying cannot help (a missing or tampered model).</summary>
    public void SetNotReady(string reason, bool final = false)
    {
        _notReadyReason = reason;
        if (final)
        {
            _settled.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_serving is { } serving)
        {
            _serving = null;
            await serving.DisposeAsync();
        }
    }
}
