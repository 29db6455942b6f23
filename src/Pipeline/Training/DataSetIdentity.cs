using System.Security.Cryptography;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Training;

/// <summary>Which bytes a model was trained on: where they were, their ETag when the store has one, and their SHA-256.</summary>
public sealed record DataSetIdentity(string Uri, string? Etag, string Sha256, long Bytes, IReadOnlyList<string> Parts)
{
    /// <summary>Hashes every part in data-set order as one stream of bytes.</summary>
    public static async Task<DataSetIdentity> ComputeAsync(DataSet data, string uri, string? etag = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long bytes = 0;
        foreach (var part in data.Parts)
        {
            await using var stream = await part.OpenAsync(cancellationToken);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                bytes += read;
            }
        }

        return new DataSetIdentity(uri, etag, Convert.ToHexStringLower(hash.GetHashAndReset()), bytes, [.. data.Parts.Select(p => p.Name)]);
    }
}
