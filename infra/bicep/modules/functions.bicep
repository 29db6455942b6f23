// The Functions app (isolated worker, .NET 10) on a Flex Consumption plan, with a system-assigned identity.
// Every connection is identity-based: AzureWebJobsStorage (host + Durable task hub on the Azure Storage
// provider), the deployment package container, the model registry and the training data.

@description('Azure region of the resources.')
param location string

@description('Tags put on every resource.')
param tags object

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the Functions app.')
param siteName string

@description('azd service name put on the Functions app as the azd-service-name tag.')
param azdServiceName string

@description('Name of the runtime storage account (AzureWebJobsStorage, Durable task hub, deployment package).')
param runtimeStorageAccountName string

@description('Blob endpoint of the runtime storage account.')
param runtimeStorageBlobEndpoint string

@description('Container of the runtime storage account that holds the deployment package.')
param deploymentContainer string

@description('Upper bound of instances the plan scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Blob service endpoint of the model registry.')
param registryBlobServiceUri string

@description('Blob container of the model registry.')
param registryContainer string

@description('Blob service endpoint of the training data.')
param trainingDataBlobServiceUri string

@description('Blob container that receives new training data sets.')
param trainingDataContainer string

@description('Resource group of the scoring web app (for the slots adapter).')
param scoringResourceGroup string

@description('Name of the scoring web app (for the slots adapter).')
param scoringSiteName string

@description('Log Analytics workspace (customer) id the telemetry adapter queries.')
param workspaceCustomerId string

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: siteName
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      http20Enabled: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      remoteDebuggingEnabled: false
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${runtimeStorageBlobEndpoint}${deploymentContainer}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Flex Consumption takes the runtime from functionAppConfig: FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION must not be set here.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__accountName: runtimeStorageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    Registry__BlobServiceUri: registryBlobServiceUri
    Registry__Container: registryContainer
    TrainingData__BlobServiceUri: trainingDataBlobServiceUri
    TrainingData__Container: trainingDataContainer
    Slots__SubscriptionId: subscription().subscriptionId
    Slots__ResourceGroup: scoringResourceGroup
    Slots__SiteName: scoringSiteName
    Telemetry__WorkspaceId: workspaceCustomerId
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

@description('Name of the Functions app.')
output siteName string = site.name

@description('HTTPS address of the Functions app.')
output uri string = 'https://${site.properties.defaultHostName}'

@description('Default host name of the Functions app.')
output defaultHostName string = site.properties.defaultHostName

@description('Object id of the Functions app identity.')
output principalId string = site.identity.principalId
