using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using Mlops.Scoring.Hosting;

namespace Mlops.Scoring.Scoring;

/// <summary>The scores of one request's rows: <see cref="Count"/> rows of <see cref="Batch"/> from <see cref="Offset"/> on.</summary>
public readonly record struct ScoredRows(ScoredBatch Batch, int Offset, int Count);

/// <summary>
/// Dynamic micro-batching, as Triton's dynamic batcher: small concurrent requests are scored together in one
/// ONNX Runtime call (which has a fixed cost of several microseconds however few rows it gets), and each request
/// gets its own rows' scores back as a slice of the shared result, without a copy.
/// <para>
/// A request queues its rows; the first one to find no flush scheduled schedules one. With
/// <see cref="BatchingOptions.MaxQueueDelayMilliseconds"/> = 0 the flush is a work item at the end of the thread
/// pool's global queue, so every request already received (Kestrel queues them there) is parsed and queued before
/// it runs: the batch is whatever arrived meanwhile, and no request waits on a timer. With a delay, the flush runs
/// after that delay, or at once when <see cref="BatchingOptions.MaxBatchRows"/> rows are waiting. Flushes may run
/// concurrently on several cores (the session's Run is thread-safe). The per-request wait object is pooled.
/// </para>
/// </summary>
public sealed class MicroBatcher : IAsyncDisposable, IThreadPoolWorkItem
{
    private const int MaxPooled = 1024;

    private readonly OnnxModel _model;
    private readonly int _maxBatchRows;
    private readonly TimeSpan _delay;
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly ConcurrentQueue<Pending> _pool = new();
    private readonly Timer? _timer;
    private int _queuedRows;
    private int _scheduled;
    private int _pooled;
    private long _batches;
    private long _requests;
    private volatile bool _disposed;

    public MicroBatcher(OnnxModel model, BatchingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        _model = model;
        _maxBatchRows = options.MaxBatchRows;
        _delay = TimeSpan.FromMilliseconds(options.MaxQueueDelayMilliseconds);
        if (_delay > TimeSpan.Zero)
        {
            _timer = new Timer(static state => ((MicroBatcher)state!).Flush(), this, Timeout.Infinite, Timeout.Infinite);
        }
    }

    /// <summary>Scores the rows together with those of concurrent requests; completes when their batch is scored.</summary>
    public ValueTask<ScoredRows> ScoreAsync(FeatureColumns columns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var pending = Rent();
        pending.Columns = columns;
        _queue.Enqueue(pending);
        var queued = Interlocked.Add(ref _queuedRows, columns.Count);
        // Reaching a full batch flushes at once, even when a (timed) flush is already scheduled.
        var full = queued >= _maxBatchRows && queued - columns.Count < _maxBatchRows;
        if (_timer is null || full)
        {
            if (Interlocked.Exchange(ref _scheduled, 1) == 0 || full)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }
        else if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _timer.Change(_delay, Timeout.InfiniteTimeSpan);
        }

        return new ValueTask<ScoredRows>(pending, pending.Version);
    }

    /// <summary>ONNX Runtime calls made so far; with <see cref="Requests"/>, how well requests are being merged.</summary>
    public long Batches => Volatile.Read(ref _batches);

    /// <summary>Requests scored so far.</summary>
    public long Requests => Volatile.Read(ref _requests);

    void IThreadPoolWorkItem.Execute() => Flush();

    /// <summary>Takes up to <see cref="BatchingOptions.MaxBatchRows"/> queued rows, scores them in one call, answers each request.</summary>
    private void Flush()
    {
        // From here on a new request schedules another flush, so none is left behind; one that finds its rows
        // already taken by this flush is simply empty.
        Volatile.Write(ref _scheduled, 0);
        while (true)
        {
            var batch = new List<Pending>();
            var rows = 0;
            while (rows < _maxBatchRows && _queue.TryDequeue(out var next))
            {
                batch.Add(next);
                rows += next.Columns!.Count;
            }

            if (batch.Count == 0)
            {
                return;
            }

            Interlocked.Add(ref _queuedRows, -rows);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _requests, batch.Count);
            ScoreTogether(batch, rows);
            // A full batch may have left rows behind: score them now rather than wait for the next request.
            if (rows < _maxBatchRows || _queue.IsEmpty)
            {
                return;
            }
        }
    }

    private void ScoreTogether(List<Pending> batch, int rows)
    {
        ScoredBatch scored;
        try
        {
            scored = batch.Count == 1 ? _model.Score(batch[0].Columns!) : _model.Score(batch.ConvertAll(p => p.Columns!), rows);
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Fail(ex);
            }

            return;
        }

        var offset = 0;
        foreach (var pending in batch)
        {
            var n = pending.Columns!.Count;
            pending.Complete(new ScoredRows(scored, offset, n));
            offset += n;
        }
    }

    private Pending Rent()
    {
        if (_pool.TryDequeue(out var pending))
        {
            Interlocked.Decrement(ref _pooled);
            return pending;
        }

        return new Pending(this);
    }

    private void Return(Pending pending)
    {
        if (Interlocked.Increment(ref _pooled) <= MaxPooled)
        {
            _pool.Enqueue(pending);
        }
        else
        {
            Interlocked.Decrement(ref _pooled);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
        }

        Flush();
    }

    /// <summary>One request waiting for its batch; reused once its result has been taken.</summary>
    private sealed class Pending(MicroBatcher owner) : IValueTaskSource<ScoredRows>
    {
        private ManualResetValueTaskSourceCore<ScoredRows> _core = new() { RunContinuationsAsynchronously = true };

        public FeatureColumns? Columns { get; set; }

        public short Version => _core.Version;

        public void Complete(ScoredRows rows) => _core.SetResult(rows);

        public void Fail(Exception exception) => _core.SetException(exception);

        public ScoredRows GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                Columns = null;
                _core.Reset();
                owner.Return(this);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
