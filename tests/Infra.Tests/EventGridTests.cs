using Mlops.Infra.Tests.Support;

namespace Mlops.Infra.Tests;

/// <summary>New training data sets reach the Event Grid-based blob trigger (the one Flex Consumption supports).</summary>
public sealed class EventGridTests(CompiledMainTemplate compiled)
{
    private ArmResource Subscription() =>
        Assert.Single(compiled.Template.Resources("Microsoft.EventGrid/systemTopics/eventSubscriptions"));

    [Fact]
    public void System_topic_listens_to_the_data_storage_account()
    {
        var topic = Assert.Single(compiled.Template.Resources("Microsoft.EventGrid/systemTopics"));

        Assert.Equal(
            ("Microsoft.Storage.StorageAccounts", "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]"),
            (topic.GetString("properties", "topicType"), ArmTemplate.Str(topic.Json["properties"]?["source"])));
        Assert.Equal(
            ArmTemplate.Str(compiled.Template.ModuleNamed("data-storage").Parameter("name")),
            ArmTemplate.Str(compiled.Template.ModuleNamed("eventgrid").Parameter("storageAccountName")));
    }

    [Fact]
    public void Subscription_delivers_only_new_blobs_of_the_training_data_container()
    {
        var subscription = Subscription();

        Assert.Equal(["Microsoft.Storage.BlobCreated"], subscription.Get("properties", "filter", "includedEventTypes")!.AsArray().Select(ArmTemplate.Str));
        Assert.Contains("/blobServices/default/containers/{0}/blobs/", subscription.GetString("properties", "filter", "subjectBeginsWith"), StringComparison.Ordinal);
        Assert.Equal("training-data", ArmTemplate.Str(compiled.Template.ModuleNamed("eventgrid").Parameter("trainingDataContainer")));
    }

    [Fact]
    public void Subscription_calls_the_blobs_webhook_of_the_Functions_app()
    {
        var url = Subscription().GetString("properties", "destination", "properties", "endpointUrl");

        Assert.StartsWith("[format('https://{0}/runtime/webhooks/blobs?functionName=Host.Functions.{1}&code={2}'", url, StringComparison.Ordinal);
        Assert.Equal(
            ArmTemplate.Str(compiled.Template.ModuleNamed("functions").Parameter("siteName")),
            ArmTemplate.Str(compiled.Template.ModuleNamed("eventgrid").Parameter("functionsSiteName")));
    }

    [Fact]
    public void Subscription_is_created_only_when_enabled_after_the_code_is_deployed()
    {
        Assert.Equal("[parameters('enableSubscription')]", ArmTemplate.Str(Subscription().Json["condition"]));
        Assert.Equal("[parameters('enableBlobTriggerSubscription')]",
            ArmTemplate.Str(compiled.Template.OwnResources().Single(r => ArmTemplate.Str(r["name"]) == "eventgrid")["properties"]?["parameters"]?["enableSubscription"]?["value"]));
    }
}
