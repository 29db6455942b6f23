// Event Grid-based blob trigger (the only blob trigger Flex Consumption supports): a system topic on the
// data storage account and, once the Functions code is deployed, a subscription that delivers BlobCreated
// events of the training-data container to the Functions blobs webhook.
// The webhook needs the host's `blobs_extension` system key, which the host creates only when the code
// with the blob trigger has started: so the subscription is created by a second deployment after the
// code deployment (enableSubscription = true). The key is read at deployment time and never stored in
// code, parameters or outputs.

@description('Azure region of the resources.')
param location string

@description('Tags put on every resource.')
param tags object

@description('Name of the Event Grid system topic.')
param systemTopicName string

@description('Name of the storage account that emits the blob events.')
param storageAccountName string

@description('Blob container whose new blobs start a training run.')
param trainingDataContainer string

@description('Name of the Functions app that receives the events.')
param functionsSiteName string

@description('Name of the blob-triggered function (the [Function] name in src/Functions).')
param blobTriggerFunctionName string

@description('Create the event subscription: true only once the Functions code is deployed (its blobs_extension key exists).')
param enableSubscription bool

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource functionsSite 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionsSiteName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  properties: {
    source: storageAccount.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource trainingDataSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (enableSubscription) {
  parent: systemTopic
  name: 'training-data-blob-created'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionsSite.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${blobTriggerFunctionName}&code=${listKeys('${functionsSite.id}/host/default', '2025-03-01').systemKeys.blobs_extension}'
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${trainingDataContainer}/blobs/'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

@description('Name of the Event Grid system topic.')
output systemTopicName string = systemTopic.name
