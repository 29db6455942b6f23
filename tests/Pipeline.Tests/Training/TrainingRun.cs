using System.Text.Json.Nodes;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Readers;
using Mlops.Pipeline.Tests.Support;
using Mlops.Pipeline.Training;

namespace Mlops.Pipeline.Tests.Training;

/// <summary>Builds training requests from the sample contract and spec, with edits, on real or small data.</summary>
internal static class TrainingRun
{
    public static string ContractJson => File.ReadAllText(RepositoryFiles.PathOf("samples/flights/contract.json"));

    public static string SpecJson => File.ReadAllText(RepositoryFiles.PathOf("samples/flights/training.json"));

    public static string Edit(string json, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        edit(node);
        return node.ToJsonString();
    }

    public static async Task<TrainingRequest> RequestAsync(
        string dataPath, string outputDirectory, string? specJson = null, string? contractJson = null, string? champion = null)
    {
        contractJson ??= ContractJson;
        specJson ??= SpecJson;
        var contract = DataContractParser.Parse(contractJson);
        var spec = TrainingSpecParser.Parse(specJson, contract);
        var data = DataSet.FromPath(dataPath);
        var identity = await DataSetIdentity.ComputeAsync(data, new Uri(dataPath).AbsoluteUri, cancellationToken: TestContext.Current.CancellationToken);
        return new TrainingRequest(data, identity, contract, contractJson, spec, specJson, outputDirectory, champion);
    }

    public static async Task<TrainingResult> TrainAsync(
        string dataPath, string outputDirectory, string? specJson = null, string? contractJson = null, string? champion = null) =>
        await new ModelTrainer().TrainAsync(await RequestAsync(dataPath, outputDirectory, specJson, contractJson, champion), TestContext.Current.CancellationToken);
}
