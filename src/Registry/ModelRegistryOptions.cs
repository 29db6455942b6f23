using Azure.Storage.Blobs;

namespace Mlops.Registry;

/// <summary>Where the registry lives and what it uses for time.</summary>
public sealed class ModelRegistryOptions
{
    public const string DefaultContainerName = "models";

    /// <summary>The registry's container (default <c>models</c>); ignored when a container client is passed.</summary>
    public string ContainerName { get; set; } = DefaultContainerName;

    /// <summary>Time of manifests, alias moves, status changes and audit entries.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Retries, transport, service version; ignored when a container client is passed.</summary>
    public BlobClientOptions? BlobClientOptions { get; set; }
}
