using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Mlops.Local.Toolchain;
using Mlops.TestSupport;

namespace Mlops.Local.Tests;

public sealed class AzuriteServerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_blob_written_through_the_fixture_reads_back_byte_for_byte()
    {
        var container = await azurite.CreateContainerAsync("roundtrip", TestContext.Current.CancellationToken);
        var payload = BinaryData.FromString("flights, 2001-01: 6937 rows");

        await container.UploadBlobAsync("datasets/2001-01.csv", payload, TestContext.Current.CancellationToken);
        var downloaded = await container.GetBlobClient("datasets/2001-01.csv").DownloadContentAsync(TestContext.Current.CancellationToken);

        Assert.Equal(payload.ToArray(), downloaded.Value.Content.ToArray());
    }

    [Fact]
    public async Task A_conditional_create_of_an_existing_blob_is_refused_with_409()
    {
        var container = await azurite.CreateContainerAsync("conditional", TestContext.Current.CancellationToken);
        var blob = container.GetBlobClient("versions/1/manifest.json");
        var ifNoneMatch = new Azure.Storage.Blobs.Models.BlobUploadOptions
        {
            Conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfNoneMatch = Azure.ETag.All },
        };
        await blob.UploadAsync(BinaryData.FromString("first"), ifNoneMatch, TestContext.Current.CancellationToken);

        var conflict = await Assert.ThrowsAsync<Azure.RequestFailedException>(
            () => blob.UploadAsync(BinaryData.FromString("second"), ifNoneMatch, TestContext.Current.CancellationToken));

        Assert.Equal(409, conflict.Status);
    }

    [Fact]
    public async Task Data_kept_in_a_data_folder_survives_a_restart()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("mlops-azurite-").FullName;
        try
        {
            var toolchain = new NodeToolchain(ToolchainDirectory.Locate());
            var options = new AzuriteOptions { DataDirectory = dataDirectory };
            await using (var first = await AzuriteServer.StartAsync(toolchain, options, TestContext.Current.CancellationToken))
            {
                var container = new BlobContainerClient(first.ConnectionString, "registry");
                await container.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
                await container.UploadBlobAsync("kept.txt", BinaryData.FromString("kept"), TestContext.Current.CancellationToken);
            }

            await using var second = await AzuriteServer.StartAsync(toolchain, options, TestContext.Current.CancellationToken);
            var blob = new BlobContainerClient(second.ConnectionString, "registry").GetBlobClient("kept.txt");
            var content = await blob.DownloadContentAsync(TestContext.Current.CancellationToken);

            Assert.Equal("kept", content.Value.Content.ToString());
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Stopping_ends_the_azurite_process()
    {
        var server = await AzuriteServer.StartAsync(
            new NodeToolchain(ToolchainDirectory.Locate()), new AzuriteOptions(), TestContext.Current.CancellationToken);

        await server.StopAsync();

        Assert.True(server.HasExited);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task A_port_in_use_is_reported_by_number_before_azurite_starts()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<ToolchainException>(() => AzuriteServer.StartAsync(
            new NodeToolchain(ToolchainDirectory.Locate()), new AzuriteOptions { BlobPort = port }, TestContext.Current.CancellationToken));

        Assert.Contains($"Port {port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }
}
