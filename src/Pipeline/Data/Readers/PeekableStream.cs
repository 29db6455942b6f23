namespace Mlops.Pipeline.Data.Readers;

/// <summary>A read-only forward stream whose first bytes can be looked at before a parser takes it: blob streams cannot seek.</summary>
internal sealed class PeekableStream(Stream inner) : Stream
{
    private byte[] _head = [];
    private int _headOffset;

    public async ValueTask<ReadOnlyMemory<byte>> PeekAsync(int count, CancellationToken cancellationToken)
    {
        if (_head.Length - _headOffset >= count || _headOffset > 0)
        {
            return _head.AsMemory(_headOffset);
        }

        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await inner.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        _head = buffer[..filled];
        return _head;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_headOffset < _head.Length)
        {
            var n = Math.Min(buffer.Length, _head.Length - _headOffset);
            _head.AsSpan(_headOffset, n).CopyTo(buffer);
            _headOffset += n;
            return n;
        }

        return inner.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_headOffset < _head.Length)
        {
            var n = Math.Min(buffer.Length, _head.Length - _headOffset);
            _head.AsSpan(_headOffset, n).CopyTo(buffer.Span);
            _headOffset += n;
            return ValueTask.FromResult(n);
        }

        return inner.ReadAsync(buffer, cancellationToken);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
