// Every role assignment of the product, in one place, each scoped to the one resource it is needed on
// (a container, a storage account, the scoring site or the workspace), never the resource group.
// Role ids are Azure built-in role definitions.

@description('Name of the Functions app (its system-assigned identity gets the Functions roles).')
param functionsSiteName string

@description('Name of the storage account holding the model registry and the training data.')
param dataStorageAccountName string

@description('Blob container of the model registry.')
param registryContainer string

@description('Blob container of the training data.')
param trainingDataContainer string

@description('Name of the Functions runtime storage account.')
param runtimeStorageAccountName string

@description('Name of the scoring web app (production and staging slot identities get the scoring roles).')
param scoringSiteName string

@description('Name of the scoring staging slot.')
param scoringStagingSlotName string

@description('Name of the Log Analytics workspace.')
param workspaceName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

var roles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  websiteContributor: 'de139f84-1756-47ae-9be6-808fbbe84772'
  logAnalyticsReader: '73c42c96-874c-492b-b04d-ab87d138a893'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource dataAccount 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: dataStorageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource registry 'containers' existing = {
      name: registryContainer
    }

    resource trainingData 'containers' existing = {
      name: trainingDataContainer
    }
  }
}

resource runtimeAccount 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: runtimeStorageAccountName
}

resource functionsSite 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionsSiteName
}

resource scoringSite 'Microsoft.Web/sites@2025-03-01' existing = {
  name: scoringSiteName

  resource staging 'slots' existing = {
    name: scoringStagingSlotName
  }
}

// Assignment names derive from the site ids (known before deployment), not from principal ids, so that
// what-if can predict them.
var functionsPrincipalId = functionsSite.identity.principalId
var scoringProductionPrincipalId = scoringSite.identity.principalId
var scoringStagingPrincipalId = scoringSite::staging.identity.principalId

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' existing = {
  name: workspaceName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Functions: registers models (write) in the registry container.
resource functionsRegistryWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: dataAccount::blobService::registry
  name: guid(dataAccount::blobService::registry.id, functionsSite.id, roles.storageBlobDataContributor)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

// Functions: reads training data sets (and the Event Grid-based blob trigger reads the new blob).
resource functionsTrainingDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: dataAccount::blobService::trainingData
  name: guid(dataAccount::blobService::trainingData.id, functionsSite.id, roles.storageBlobDataContributor)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

// Functions runtime storage: host leases and deployment package (blob), Durable task hub (blob, queue, table).
resource functionsRuntimeBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: runtimeAccount
  name: guid(runtimeAccount.id, functionsSite.id, roles.storageBlobDataContributor)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

resource functionsRuntimeQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: runtimeAccount
  name: guid(runtimeAccount.id, functionsSite.id, roles.storageQueueDataContributor)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
  }
}

resource functionsRuntimeTable 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: runtimeAccount
  name: guid(runtimeAccount.id, functionsSite.id, roles.storageTableDataContributor)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

// Functions: sets the staging slot's model version, swaps slots and sets ramp-up rules on the scoring app
// (the assignment on the site covers its slots).
resource functionsScoringSiteContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: scoringSite
  name: guid(scoringSite.id, functionsSite.id, roles.websiteContributor)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.websiteContributor)
  }
}

// Functions: queries live telemetry (KQL) from the workspace.
resource functionsWorkspaceReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: workspace
  name: guid(workspace.id, functionsSite.id, roles.logAnalyticsReader)
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.logAnalyticsReader)
  }
}

// Scoring, both slots: read models from the registry container, nothing else.
resource scoringProductionRegistryReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: dataAccount::blobService::registry
  name: guid(dataAccount::blobService::registry.id, scoringSite.id, roles.storageBlobDataReader)
  properties: {
    principalId: scoringProductionPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
  }
}

resource scoringStagingRegistryReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: dataAccount::blobService::registry
  name: guid(dataAccount::blobService::registry.id, scoringSite::staging.id, roles.storageBlobDataReader)
  properties: {
    principalId: scoringStagingPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataReader)
  }
}

// Scoring, both slots: the Azure Monitor exporter sends telemetry with the slot's Entra ID token
// (DefaultAzureCredential in src/Scoring), which ingestion accepts only with this role on the component.
resource scoringProductionTelemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, scoringSite.id, roles.monitoringMetricsPublisher)
  properties: {
    principalId: scoringProductionPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

resource scoringStagingTelemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, scoringSite::staging.id, roles.monitoringMetricsPublisher)
  properties: {
    principalId: scoringStagingPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}
