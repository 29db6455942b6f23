using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Mlops.Registry;

/// <summary>
/// The blob model registry: immutable, numbered versions of a model with their artifacts and manifest,
/// aliases moved by compare-and-swap, a status per version, and an append-only audit log, all in one
/// container (layout in docs/ARCHITECTURE.md). Safe to share between threads and processes: every write is
/// a conditional request, so concurrent writers never overwrite each other.
/// </summary>
public partial class ModelRegistry
{
    private readonly BlobContainerClient _container;
    private readonly TimeProvider _time;

    /// <summary>Against an account URL with <see cref="DefaultAzureCredential"/> (managed identity in Azure).</summary>
    public ModelRegistry(Uri accountUrl, ModelRegistryOptions? options = null)
        : this(accountUrl, new DefaultAzureCredential(), options)
    {
    }

    /// <summary>Against an account URL with any Entra ID credential (Storage Blob Data Contributor, or Reader for scoring).</summary>
    public ModelRegistry(Uri accountUrl, TokenCredential credential, ModelRegistryOptions? options = null)
        : this(new BlobServiceClient(accountUrl, credential, options?.BlobClientOptions)
            .GetBlobContainerClient(options?.ContainerName ?? ModelRegistryOptions.DefaultContainerName), options)
    {
    }

    /// <summary>With a connection string (Azurite, or a storage account key).</summary>
    public ModelRegistry(string connectionString, ModelRegistryOptions? options = null)
        : this(new BlobServiceClient(connectionString, options?.BlobClientOptions)
            .GetBlobContainerClient(options?.ContainerName ?? ModelRegistryOptions.DefaultContainerName), options)
    {
    }

    /// <summary>On a container client configured by the caller (tests, DI).</summary>
    public ModelRegistry(BlobContainerClient container, ModelRegistryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
        _time = options?.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>For mocking.</summary>
    protected ModelRegistry()
    {
        _container = null!;
        _time = TimeProvider.System;
    }

    /// <summary>The registry's container.</summary>
    public virtual Uri ContainerUri => _container.Uri;

    private static bool IsNotFound(RequestFailedException ex) => ex.Status == 404;

    /// <summary>409 from If-None-Match: * on an existing blob, or 412 from a stale If-Match.</summary>
    private static bool IsConditionFailure(RequestFailedException ex) =>
        ex.Status == 412 || (ex.Status == 409 && ex.ErrorCode == BlobErrorCode.BlobAlreadyExists);

    private static BlobUploadOptions CreateOnly(IDictionary<string, string>? metadata = null) => new()
    {
        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        Metadata = metadata,
        HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
    };

    private static BlobUploadOptions Replace(ETag? etag, IDictionary<string, string>? metadata = null) => new()
    {
        Conditions = etag is { } current ? new BlobRequestConditions { IfMatch = current } : new BlobRequestConditions { IfNoneMatch = ETag.All },
        Metadata = metadata,
        HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
    };

    private async Task<(T? Value, ETag? ETag)> ReadJsonAsync<T>(string blobName, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var result = await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            return (result.Value.Content.ToObjectFromJson<T>(RegistryJson.Options), result.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (IsNotFound(ex))
        {
            return (null, null);
        }
    }

    private async Task<bool> ExistsAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            return (await _container.GetBlobClient(blobName).ExistsAsync(cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (IsNotFound(ex))
        {
            return false;
        }
    }
}
