using System.IO.Compression;
using System.IO.Hashing;

namespace Mlops.Pipeline.Data.Readers;

/// <summary>
/// Gzip decompression that notices truncation. <see cref="GZipStream"/> ends quietly when the compressed data stops
/// early, so a cut-off upload would read as a shorter data set. At the end this checks the gzip trailer (CRC-32 and
/// length of the output, the last 8 bytes of the input) and throws <see cref="InvalidDataException"/> on a mismatch,
/// which the readers report. Checks single-member files, which is what gzip tools and GZipStream write.
/// </summary>
internal sealed class VerifiedGzipStream : ForwardReadStream
{
    private readonly TailStream _compressed;
    private readonly Crc32 _crc = new();
    private long _length;
    private bool _verified;

    public VerifiedGzipStream(Stream compressed)
        : this(new TailStream(compressed))
    {
    }

    private VerifiedGzipStream(TailStream compressed)
        : base(new GZipStream(compressed, CompressionMode.Decompress))
    {
        _compressed = compressed;
    }

    public override int Read(Span<byte> buffer) => Account(buffer, Inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await Inner.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span, read);
    }

    private int Account(ReadOnlySpan<byte> buffer, int read)
    {
        if (read > 0)
        {
            _crc.Append(buffer[..read]);
            _length += read;
            return read;
        }

        if (!_verified)
        {
            _verified = true;
            var trailer = _compressed.Tail;
            var expectedCrc = BitConverter.ToUInt32(trailer, 0);
            var expectedLength = BitConverter.ToUInt32(trailer, 4);
            if (_compressed.Total < 18 || expectedCrc != _crc.GetCurrentHashAsUInt32() || expectedLength != (uint)_length)
            {
                throw new InvalidDataException($"the gzip data ends early or is corrupt (its checksum does not match after {_length:N0} bytes)");
            }
        }

        return 0;
    }

    /// <summary>Passes bytes through and remembers the last eight: the gzip trailer once the input ends.</summary>
    private sealed class TailStream(Stream inner) : ForwardReadStream(inner)
    {
        public byte[] Tail { get; } = new byte[8];

        public long Total { get; private set; }

        public override int Read(Span<byte> buffer) => Keep(buffer, Inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await Inner.ReadAsync(buffer, cancellationToken);
            return Keep(buffer.Span, read);
        }

        private int Keep(ReadOnlySpan<byte> buffer, int read)
        {
            if (read >= 8)
            {
                buffer.Slice(read - 8, 8).CopyTo(Tail);
            }
            else if (read > 0)
            {
                Tail.AsSpan(read).CopyTo(Tail);
                buffer[..read].CopyTo(Tail.AsSpan(8 - read));
            }

            Total += read;
            return read;
        }
    }
}
