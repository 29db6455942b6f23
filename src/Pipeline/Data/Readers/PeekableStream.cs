namespace Mlops.Pipeline.Data.Readers;

/// <summary>A read-only forward stream whose first bytes can be looked at before a parser takes it: blob streams cannot seek.</summary>
internal sealed class PeekableStream(Stream inner) : ForwardReadStream(inner)
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
            var read = await Inner.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        _head = buffer[..filled];
        return _head;
    }

    public override int Read(Span<byte> buffer)
    {
        if (_headOffset < _head.Length)
        {
            var n = Math.Min(buffer.Length, _head.Length - _headOffset);
            _head.AsSpan(_headOffset, n).CopyTo(buffer);
            _headOffset += n;
            return n;
        }

        return Inner.Read(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_headOffset < _head.Length)
        {
            var n = Math.Min(buffer.Length, _head.Length - _headOffset);
            _head.AsSpan(_headOffset, n).CopyTo(buffer.Span);
            _headOffset += n;
            return ValueTask.FromResult(n);
        }

        return Inner.ReadAsync(buffer, cancellationToken);
    }
}
