using System.Security.Cryptography;
using Azure.Core;
using Mlops.TestSupport;

namespace Mlops.Registry.Tests;

public sealed class RegistrationTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Register_writes_every_artifact_with_its_sha256_and_a_manifest_with_the_candidate()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        var folder = Candidates.Write(extraFiles: new Dictionary<string, string> { ["gate.json"] = "{\"passed\":true}" });

        var manifest = await test.Registry.RegisterAsync(folder, "pipeline-42", cancellationToken: Ct);

        Assert.Equal(("flights", 1, "pipeline-42", TestRegistry.Start), (manifest.Model, manifest.Version, manifest.RegisteredBy, manifest.RegisteredAt));
        Assert.Equal(
            ["candidate.json", "gate.json", "model.onnx", "model.zip", "profile.json"],
            manifest.Artifacts.Select(a => a.Name));
        foreach (var artifact in manifest.Artifacts)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(folder, artifact.Name), Ct);
            Assert.Equal((Convert.ToHexStringLower(SHA256.HashData(bytes)), (long)bytes.Length), (artifact.Sha256, artifact.Bytes));
        }

        Assert.Equal("LightGbm", manifest.Candidate.GetProperty("trainer").GetString());
        var stored = await test.Registry.GetManifestAsync("flights", 1, Ct);
        Assert.Equal(0.69, stored.Candidate.GetProperty("metrics").GetProperty("auc").GetDouble());
    }

    [Fact]
    public async Task Eight_concurrent_registrations_get_eight_distinct_consecutive_versions_and_eight_audit_entries()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        var folders = Enumerable.Range(1, 8).Select(seed => Candidates.Write(seed: seed)).ToList();

        var manifests = await Task.WhenAll(folders.Select((folder, i) =>
            Task.Run(() => test.Registry.RegisterAsync(folder, $"pipeline-{i}", cancellationToken: Ct), Ct)));

        Assert.Equal(Enumerable.Range(1, 8), manifests.Select(m => m.Version).Order());
        var history = await test.Registry.GetHistoryAsync("flights", Ct);
        var registrations = history.Where(e => e.Action == AuditActions.Register).ToList();
        Assert.Equal(8, registrations.Count);
        Assert.Equal(Enumerable.Range(1, 8), registrations.Select(e => e.Version!.Value).Order());
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"pipeline-{i}").Order(), registrations.Select(e => e.Actor).Order());
        // Every version's manifest holds the candidate of the registration that claimed it.
        foreach (var manifest in manifests)
        {
            var stored = await test.Registry.GetManifestAsync("flights", manifest.Version, Ct);
            Assert.Equal(manifest.Candidate.GetProperty("seed").GetInt32(), stored.Candidate.GetProperty("seed").GetInt32());
        }
    }

    [Fact]
    public async Task A_registration_stopped_before_its_manifest_leaves_no_visible_version_and_the_next_one_succeeds()
    {
        var crashing = await TestRegistry.CreateAsync(azurite, new FailRequestsPolicy(
            r => r.Method == RequestMethod.Put && r.Uri.Path.EndsWith("/manifest.json", StringComparison.Ordinal)));

        await Assert.ThrowsAsync<IOException>(() => crashing.Registry.RegisterAsync(Candidates.Write(seed: 1), "crashing", cancellationToken: Ct));

        var registry = crashing.Plain(azurite);
        // The artifacts of the half-done version are in storage ...
        Assert.True(await crashing.Container.GetBlobClient("flights/versions/1/model.onnx").ExistsAsync(Ct));
        // ... yet nothing a reader can reach shows it.
        Assert.Empty(await registry.ListVersionsAsync("flights", Ct));
        await Assert.ThrowsAsync<RegistryNotFoundException>(() => registry.GetManifestAsync("flights", 1, Ct));
        await Assert.ThrowsAsync<RegistryNotFoundException>(() => registry.DownloadModelAsync("flights", "1", Ct));
        await Assert.ThrowsAsync<RegistryNotFoundException>(() => registry.ResolveAsync("flights", RegistryNames.Latest, Ct));

        var next = await registry.RegisterAsync(Candidates.Write(seed: 2), "next", cancellationToken: Ct);

        Assert.Equal(2, next.Version);
        Assert.Equal([2], (await registry.ListVersionsAsync("flights", Ct)).Select(v => v.Version));
        Assert.DoesNotContain(await registry.GetHistoryAsync("flights", Ct), e => e.Version == 1);
    }

    [Fact]
    public async Task Markers_left_without_manifests_and_without_the_allocation_hint_do_not_block_the_next_registration()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        // Seven crashed registrations whose allocation hint was never written: the search must skip them all.
        for (var version = 1; version <= 7; version++)
        {
            await test.Container.UploadBlobAsync($"flights/versions/{version}/.allocated", BinaryData.FromString("{}"), Ct);
            await test.Container.UploadBlobAsync($"flights/versions/{version}/model.onnx", BinaryData.FromString("half"), Ct);
        }

        var manifest = await test.Registry.RegisterAsync(Candidates.Write(), "after-crashes", cancellationToken: Ct);

        Assert.Equal(8, manifest.Version);
        Assert.Equal([8], (await test.Registry.ListVersionsAsync("flights", Ct)).Select(v => v.Version));
    }

    [Fact]
    public async Task Registering_again_never_changes_an_existing_version()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        await test.Registry.RegisterAsync(Candidates.Write(seed: 1), "first", cancellationToken: Ct);
        var before = await test.Container.GetBlobClient("flights/versions/1/manifest.json").GetPropertiesAsync(cancellationToken: Ct);

        var second = await test.Registry.RegisterAsync(Candidates.Write(seed: 2), "second", cancellationToken: Ct);

        var after = await test.Container.GetBlobClient("flights/versions/1/manifest.json").GetPropertiesAsync(cancellationToken: Ct);
        Assert.Equal(2, second.Version);
        Assert.Equal(before.Value.ETag, after.Value.ETag);
    }

    [Fact]
    public async Task Register_creates_the_container_on_first_use()
    {
        var name = $"fresh-{Guid.NewGuid():N}";
        var registry = new ModelRegistry(azurite.ConnectionString, new ModelRegistryOptions { ContainerName = name });

        var manifest = await registry.RegisterAsync(Candidates.Write(), "first", cancellationToken: Ct);

        Assert.Equal(1, manifest.Version);
        Assert.Equal(["flights"], await registry.ListModelsAsync(Ct));
    }
}
