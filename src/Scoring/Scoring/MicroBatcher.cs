using System.Threading.Channels;
using Mlops.Scoring.Hosting;

namespace Mlops.Scoring.Scoring;

/// <summary>
/// Merges small concurrent requests into one ONNX Runtime call (at most <see cref="BatchingOptions.MaxBatchRows"/>
/// rows, waiting at most <see cref="BatchingOptions.MaxQueueDelayMilliseconds"/> for company) and hands each
/// request its own rows' scores back.
/// </summary>
public sealed class MicroBatcher : IAsyncDisposable
{
    private sealed record Pending(FeatureColumns Columns, TaskCompletionSource<ScoredBatch> Done);

    private readonly OnnxModel _model;
    private readonly BatchingOptions _options;
    private readonly Channel<Pending> _queue;
    private readonly Task _loop;

    public MicroBatcher(OnnxModel model, BatchingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _model = model;
        _options = options;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(16_384) { SingleReader = true });
        _loop = Task.Run(RunAsync);
    }

    public async Task<ScoredBatch> ScoreAsync(FeatureColumns columns, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(columns, new TaskCompletionSource<ScoredBatch>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            var rows = 0;
            while (rows < _options.MaxBatchRows && reader.TryRead(out var next))
            {
                batch.Add(next);
                rows += next.Columns.Count;
            }

            if (_options.MaxQueueDelayMilliseconds > 0 && rows < _options.MaxBatchRows)
            {
                using var delay = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.MaxQueueDelayMilliseconds));
                try
                {
                    while (rows < _options.MaxBatchRows && await reader.WaitToReadAsync(delay.Token))
                    {
                        while (rows < _options.MaxBatchRows && reader.TryRead(out var next))
                        {
                            batch.Add(next);
                            rows += next.Columns.Count;
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // The queue delay is over: score what came.
                }
            }

            if (batch.Count > 0)
            {
                ScoreTogether(batch);
            }
        }
    }

    private void ScoreTogether(List<Pending> batch)
    {
        try
        {
            var scored = _model.Score(batch.Count == 1 ? batch[0].Columns : FeatureColumns.Concat(_model.Signature, [.. batch.Select(p => p.Columns)]));
            var offset = 0;
            foreach (var pending in batch)
            {
                var n = pending.Columns.Count;
                pending.Done.TrySetResult(batch.Count == 1 ? scored : new ScoredBatch(
                    scored.Values[offset..(offset + n)], scored.Labels?[offset..(offset + n)]));
                offset += n;
            }
        }
        catch (Exception ex) when (ex is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidOperationException)
        {
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}
