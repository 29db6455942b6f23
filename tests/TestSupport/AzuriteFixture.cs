using Azure.Storage.Blobs;
using Mlops.Local.Toolchain;
using Xunit;

namespace Mlops.TestSupport;

/// <summary>
/// A real Azurite (in memory, free loopback ports) shared by every test of an assembly: register it with
/// <c>[assembly: AssemblyFixture(typeof(AzuriteFixture))]</c> and take it in a test class's constructor.
/// Give each test its own container (<see cref="CreateContainerAsync"/>) so tests never see each other's blobs.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite has not started.");

    public string ConnectionString => Server.ConnectionString;

    public BlobServiceClient CreateBlobServiceClient() => new(ConnectionString);

    /// <summary>A new, uniquely named container for one test.</summary>
    public async Task<BlobContainerClient> CreateContainerAsync(string prefix = "test", CancellationToken cancellationToken = default)
    {
        var container = CreateBlobServiceClient().GetBlobContainerClient($"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)]);
        await container.CreateAsync(cancellationToken: cancellationToken);
        return container;
    }

    public async ValueTask InitializeAsync()
    {
        _server = await AzuriteServer.StartAsync(new NodeToolchain(ToolchainDirectory.Locate()), new AzuriteOptions());
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
