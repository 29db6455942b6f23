using Azure.Core;
using Azure.Storage.Blobs;
using Mlops.TestSupport;

namespace Mlops.Registry.Tests;

public sealed class NameValidationTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> BadModelNames =>
        ["", "Flights", "-flights", "flights/../other", "flights/versions", "../flights", "flights\n", "flights ", "fl_ights", "ﬂights", new string('a', 64)];

    public static TheoryData<string> BadAliasNames =>
        ["", "Champion", "1", "7beta", "latest", "champion/../../x", "champion.json", "champ\u0000", new string('a', 64)];

    [Theory]
    [MemberData(nameof(BadModelNames))]
    public async Task A_bad_model_name_is_rejected_before_any_request_is_sent(string model)
    {
        var counter = new CountingPolicy();
        var test = await TestRegistry.CreateAsync(azurite, counter);
        var registry = test.Registry;

        var calls = new Func<Task>[]
        {
            () => registry.GetManifestAsync(model, 1, Ct),
            () => registry.ResolveAsync(model, "champion", Ct),
            () => registry.DownloadModelAsync(model, "1", Ct),
            () => registry.ListVersionsAsync(model, Ct),
            () => registry.GetHistoryAsync(model, Ct),
            () => registry.SetAliasAsync(model, "champion", 1, null, "a", cancellationToken: Ct),
            () => registry.PromoteAsync(model, 1, null, "a", cancellationToken: Ct),
            () => registry.SetStatusAsync(model, 1, VersionStatus.Retired, "a", cancellationToken: Ct),
            () => registry.RegisterAsync(Candidates.Write(), "a", model, Ct),
        };
        foreach (var call in calls)
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(call);
        }

        Assert.Equal(0, counter.Count);
    }

    [Theory]
    [MemberData(nameof(BadAliasNames))]
    public async Task A_bad_alias_name_is_rejected_before_any_request_is_sent(string alias)
    {
        var counter = new CountingPolicy();
        var test = await TestRegistry.CreateAsync(azurite, counter);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => test.Registry.SetAliasAsync("flights", alias, 1, null, "a", cancellationToken: Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => test.Registry.GetAliasAsync("flights", alias, Ct));

        Assert.Equal(0, counter.Count);
    }

    [Fact]
    public async Task A_bad_model_name_fails_even_against_an_unreachable_account()
    {
        // Port 9 (discard) on loopback: any request would fail with a connection error, not ArgumentException.
        var container = new BlobContainerClient(
            new Uri("http://127.0.0.1:9/devstoreaccount1/models"),
            new BlobClientOptions { Retry = { MaxRetries = 0 } });
        var registry = new ModelRegistry(container);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => registry.ListVersionsAsync("Flights/../x", Ct));

        Assert.Equal("model", error.ParamName);
        Assert.Contains("'Flights/../x'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.onnx", true)]
    [InlineData("profile.v2.json", true)]
    [InlineData(".hidden", false)]
    [InlineData("..", false)]
    [InlineData("a/b.json", false)]
    [InlineData("a\\b.json", false)]
    [InlineData("manifest.json", false)]
    [InlineData("status.json", false)]
    [InlineData("with space.json", false)]
    public void Artifact_names_are_plain_file_names(string name, bool valid) =>
        Assert.Equal(valid, RegistryNames.IsValidArtifactName(name));

    [Fact]
    public async Task A_candidate_with_a_disallowed_file_name_is_refused_before_any_request()
    {
        var counter = new CountingPolicy();
        var test = await TestRegistry.CreateAsync(azurite, counter);
        var folder = Candidates.Write(extraFiles: new Dictionary<string, string> { ["notes about it.txt"] = "x" });

        var refused = await Assert.ThrowsAsync<InvalidCandidateException>(() => test.Registry.RegisterAsync(folder, "p", cancellationToken: Ct));

        Assert.Contains("'notes about it.txt'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, counter.Count);
    }

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("model.zip")]
    [InlineData("candidate.json")]
    public async Task A_candidate_without_a_required_file_is_refused(string missing)
    {
        var folder = Candidates.Write();
        File.Delete(Path.Combine(folder, missing));

        var refused = await Assert.ThrowsAsync<InvalidCandidateException>(() => CandidatePackage.LoadAsync(folder, cancellationToken: Ct));

        Assert.Contains(missing, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("{\"metrics\":{}}")]
    [InlineData("{\"model\":\"../other\"}")]
    [InlineData("not json")]
    public async Task A_candidate_json_without_a_valid_model_is_refused(string json)
    {
        var folder = Candidates.Write();
        await File.WriteAllTextAsync(Path.Combine(folder, "candidate.json"), json, Ct);

        await Assert.ThrowsAsync<InvalidCandidateException>(() => CandidatePackage.LoadAsync(folder, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_candidate_with_a_sub_folder_or_for_another_model_is_refused()
    {
        var folder = Candidates.Write();
        Directory.CreateDirectory(Path.Combine(folder, "nested"));
        var other = Candidates.Write(model: "taxis");

        await Assert.ThrowsAsync<InvalidCandidateException>(() => CandidatePackage.LoadAsync(folder, cancellationToken: Ct));
        var wrongModel = await Assert.ThrowsAsync<InvalidCandidateException>(() => CandidatePackage.LoadAsync(other, "flights", Ct));
        Assert.Contains("'taxis', not 'flights'", wrongModel.Message, StringComparison.Ordinal);
    }
}
