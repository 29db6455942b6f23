using System.Buffers;

namespace Mlops.Scoring.Hosting;

/// <summary>A request body copied once into a pooled buffer; <see cref="Return"/> gives the buffer back.</summary>
public readonly record struct RequestBody(byte[] Array, int Length)
{
    public ReadOnlySpan<byte> Span => Array.AsSpan(0, Length);

    public void Return() => ArrayPool<byte>.Shared.Return(Array);

    /// <summary>The whole body, or null when it exceeds <paramref name="limit"/> bytes (checked before it is all read).</summary>
    public static async Task<RequestBody?> ReadAsync(HttpContext context, int limit)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.ContentLength > limit)
        {
            return null;
        }

        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted);
            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return null;
            }

            if (read.IsCompleted)
            {
                var length = (int)read.Buffer.Length;
                var array = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
                read.Buffer.CopyTo(array);
                reader.AdvanceTo(read.Buffer.End);
                return new RequestBody(array, length);
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }
}
