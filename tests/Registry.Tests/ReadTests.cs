using System.Security.Cryptography;
using Mlops.TestSupport;

namespace Mlops.Registry.Tests;

public sealed class ReadTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Download_by_alias_returns_the_onnx_model_that_matches_the_manifest()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        var folder = Candidates.Write();
        await test.Registry.RegisterAsync(folder, "p", cancellationToken: Ct);
        await test.Registry.PromoteAsync("flights", 1, null, "p", cancellationToken: Ct);

        var model = await test.Registry.DownloadModelAsync("flights", RegistryNames.Champion, Ct);

        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folder, "model.onnx"), Ct), model.Content.ToArray());
        Assert.Equal((1, "model.onnx"), (model.Manifest.Version, model.Entry.Name));
    }

    [Fact]
    public async Task A_tampered_model_onnx_is_refused_on_read()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        await test.Registry.RegisterAsync(Candidates.Write(), "p", cancellationToken: Ct);
        var blob = test.Container.GetBlobClient("flights/versions/1/model.onnx");
        var bytes = (await blob.DownloadContentAsync(Ct)).Value.Content.ToArray();
        bytes[100] ^= 0xFF; // same size, one byte flipped
        await blob.UploadAsync(BinaryData.FromBytes(bytes), overwrite: true, Ct);

        var refused = await Assert.ThrowsAsync<ModelIntegrityException>(() => test.Registry.DownloadModelAsync("flights", "1", Ct));

        Assert.Contains("model.onnx of version 1 of model 'flights'", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_onnx_missing_from_storage_is_an_integrity_error()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        await test.Registry.RegisterAsync(Candidates.Write(), "p", cancellationToken: Ct);
        await test.Container.DeleteBlobAsync("flights/versions/1/model.onnx", cancellationToken: Ct);

        var refused = await Assert.ThrowsAsync<ModelIntegrityException>(() => test.Registry.DownloadModelAsync("flights", "latest", Ct));

        Assert.Contains("missing", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolving_an_alias_that_does_not_exist_names_model_and_alias()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        await test.Registry.RegisterAsync(Candidates.Write(), "p", cancellationToken: Ct);

        var missing = await Assert.ThrowsAsync<RegistryNotFoundException>(() => test.Registry.DownloadModelAsync("flights", RegistryNames.Champion, Ct));

        Assert.Equal("Model 'flights' has no alias 'champion'.", missing.Message);
    }

    [Fact]
    public async Task Latest_is_the_highest_registered_version()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        for (var seed = 1; seed <= 3; seed++)
        {
            await test.Registry.RegisterAsync(Candidates.Write(seed: seed), "p", cancellationToken: Ct);
        }

        Assert.Equal(3, await test.Registry.ResolveVersionAsync("flights", RegistryNames.Latest, Ct));
    }

    [Fact]
    public async Task Every_artifact_can_be_read_back_verified()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        var folder = Candidates.Write();
        await test.Registry.RegisterAsync(folder, "p", cancellationToken: Ct);

        var profile = await test.Registry.DownloadArtifactAsync("flights", 1, "profile.json", Ct);

        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(folder, "profile.json"), Ct), profile.Content.ToString());
    }
}
