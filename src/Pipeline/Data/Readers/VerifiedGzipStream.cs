using System.IO.Compression;

namespace Mlops.Pipeline.Data.Readers;

/// <summary>
/// Gzip decompression that notices truncation. <see cref="GZipStream"/> ends quietly when the compressed data stops
/// early, so a cut-off upload would read as a shorter data set. At the end this checks the gzip trailer (CRC-32 and
/// length of the output, the last 8 bytes of the input) and throws <see cref="InvalidDataException"/> on a mismatch,
/// which the readers report. Checks single-member files, which is what gzip tools and GZipStream write.
/// </summary>
internal sealed class VerifiedGzipStream : Stream
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    private readonly TailStream _compressed;
    private readonly GZipStream _gzip;
    private uint _crc = 0xFFFFFFFFu;
    private long _length;
    private bool _verified;

    public VerifiedGzipStream(Stream compressed)
    {
        _compressed = new TailStream(compressed);
        _gzip = new GZipStream(_compressed, CompressionMode.Decompress);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Account(buffer, _gzip.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _gzip.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span, read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Account(ReadOnlySpan<byte> buffer, int read)
    {
        if (read > 0)
        {
            var crc = _crc;
            foreach (var b in buffer[..read])
            {
                crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            _crc = crc;
            _length += read;
            return read;
        }

        if (!_verified)
        {
            _verified = true;
            var trailer = _compressed.Tail;
            var expectedCrc = BitConverter.ToUInt32(trailer, 0);
            var expectedLength = BitConverter.ToUInt32(trailer, 4);
            if (_compressed.Total < 18 || expectedCrc != ~_crc || expectedLength != (uint)_length)
            {
                throw new InvalidDataException($"the gzip data ends early or is corrupt (its checksum does not match after {_length:N0} bytes)");
            }
        }

        return 0;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
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
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Passes bytes through and remembers the last eight: the gzip trailer once the input ends.</summary>
    private sealed class TailStream(Stream inner) : Stream
    {
        public byte[] Tail { get; } = new byte[8];

        public long Total { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Keep(buffer.AsSpan(offset, count), inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            return Keep(buffer.Span, read);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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
    }
}
