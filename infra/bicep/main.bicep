// Everything the MLOps product needs in Azure, in one resource group:
// monitoring (Log Analytics + Application Insights), the data storage account (model registry and
// training data), the Functions runtime storage, the Functions app on Flex Consumption with the Event
// Grid-based blob trigger, the scoring web app with its staging slot, and least-privilege role
// assignments between them. Local modules only (see infra/README.md).
targetScope = 'resourceGroup'

@description('Name of the azd environment; part of every resource name and the azd-env-name tag.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region of every resource; defaults to the resource group region.')
param location string = resourceGroup().location

@description('Name of the registered model the scoring app serves (a folder in the registry container).')
param modelName string = 'flights'

@description('Model version or alias the production slot serves; the rollout owns it after the first deployment: pass the current value when redeploying.')
param productionModelVersion string = 'champion'

@description('Model version or alias the staging slot serves; the rollout owns it after the first deployment: pass the current value when redeploying.')
param stagingModelVersion string = 'champion'

@description('SKU of the scoring App Service plan (Linux); deployment slots need Standard or above.')
@allowed([
  'S1'
  'P0v3'
  'P1v3'
  'P2v3'
])
param scoringPlanSku string = 'P0v3'

@description('Relative path App Service probes on the scoring app to take unhealthy instances out.')
param scoringHealthCheckPath string = '/health/ready'

@description('Upper bound of Functions instances on the Flex Consumption plan.')
@minValue(1)
@maxValue(1000)
param functionsMaximumInstanceCount int = 40

@description('Memory of each Functions instance in MB (training runs in the activity that trains).')
@allowed([
  512
  2048
  4096
])
param functionsInstanceMemoryMB int = 4096

@description('Replication of both storage accounts.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param storageSku string = 'Standard_LRS'

@description('Days the Log Analytics workspace keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Name of the blob-triggered function that starts a training run when a data set lands.')
param blobTriggerFunctionName string = 'TrainingDataUploaded'

@description('Create the Event Grid subscription of the blob trigger: set true once the Functions code has been deployed.')
param enableBlobTriggerSubscription bool = false

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = {
  'azd-env-name': environmentName
}
var registryContainer = 'models'
var trainingDataContainer = 'training-data'
var deploymentContainer = 'app-package-${take(resourceToken, 8)}'
var functionsSiteName = 'func-mlops-${resourceToken}'
var scoringSiteName = 'app-scoring-${resourceToken}'
var dataStorageAccountName = 'stdata${take(resourceToken, 18)}'
var runtimeStorageAccountName = 'stfunc${take(resourceToken, 18)}'
var workspaceName = 'log-mlops-${resourceToken}'
var applicationInsightsName = 'appi-mlops-${resourceToken}'
var stagingSlotName = 'staging'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    workspaceName: workspaceName
    applicationInsightsName: applicationInsightsName
    retentionInDays: logRetentionInDays
  }
}

module dataStorage 'modules/storage.bicep' = {
  name: 'data-storage'
  params: {
    location: location
    tags: tags
    name: dataStorageAccountName
    skuName: storageSku
    containerNames: [
      registryContainer
      trainingDataContainer
    ]
  }
}

module runtimeStorage 'modules/storage.bicep' = {
  name: 'runtime-storage'
  params: {
    location: location
    tags: tags
    name: runtimeStorageAccountName
    skuName: storageSku
    containerNames: [
      deploymentContainer
    ]
  }
}

module scoring 'modules/scoring.bicep' = {
  name: 'scoring'
  params: {
    location: location
    tags: tags
    planName: 'plan-scoring-${resourceToken}'
    planSku: scoringPlanSku
    siteName: scoringSiteName
    azdServiceName: 'scoring'
    stagingSlotName: stagingSlotName
    healthCheckPath: scoringHealthCheckPath
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    registryBlobServiceUri: dataStorage.outputs.blobEndpoint
    registryContainer: registryContainer
    modelName: modelName
    productionModelVersion: productionModelVersion
    stagingModelVersion: stagingModelVersion
  }
}

module functions 'modules/functions.bicep' = {
  name: 'functions'
  params: {
    location: location
    tags: tags
    planName: 'plan-func-${resourceToken}'
    siteName: functionsSiteName
    azdServiceName: 'functions'
    runtimeStorageAccountName: runtimeStorage.outputs.name
    runtimeStorageBlobEndpoint: runtimeStorage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    maximumInstanceCount: functionsMaximumInstanceCount
    instanceMemoryMB: functionsInstanceMemoryMB
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    registryBlobServiceUri: dataStorage.outputs.blobEndpoint
    registryContainer: registryContainer
    trainingDataBlobServiceUri: dataStorage.outputs.blobEndpoint
    trainingDataContainer: trainingDataContainer
    scoringResourceGroup: resourceGroup().name
    scoringSiteName: scoringSiteName
    workspaceCustomerId: monitoring.outputs.workspaceCustomerId
  }
}

// Names, not module outputs, go into the next two modules so that what-if can predict their resources;
// dependsOn orders them after the resources they refer to.
module roles 'modules/roles.bicep' = {
  name: 'roles'
  dependsOn: [
    monitoring
    dataStorage
    runtimeStorage
    scoring
    functions
  ]
  params: {
    functionsSiteName: functionsSiteName
    scoringSiteName: scoringSiteName
    scoringStagingSlotName: stagingSlotName
    dataStorageAccountName: dataStorageAccountName
    registryContainer: registryContainer
    trainingDataContainer: trainingDataContainer
    runtimeStorageAccountName: runtimeStorageAccountName
    workspaceName: workspaceName
    applicationInsightsName: applicationInsightsName
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  dependsOn: [
    dataStorage
    functions
  ]
  params: {
    location: location
    tags: tags
    systemTopicName: 'evgt-data-${resourceToken}'
    storageAccountName: dataStorageAccountName
    trainingDataContainer: trainingDataContainer
    functionsSiteName: functionsSiteName
    blobTriggerFunctionName: blobTriggerFunctionName
    enableSubscription: enableBlobTriggerSubscription
  }
}

@description('Region the resources were deployed to (azd).')
output AZURE_LOCATION string = location

@description('Tenant of the deployment (azd).')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Resource group of the deployment (azd, pipelines).')
output AZURE_RESOURCE_GROUP string = resourceGroup().name

@description('Name of the Functions app.')
output FUNCTIONS_APP_NAME string = functions.outputs.siteName

@description('HTTPS address of the Functions app (the mlops CLI --endpoint).')
output FUNCTIONS_APP_URI string = functions.outputs.uri

@description('Name of the scoring web app.')
output SCORING_APP_NAME string = scoring.outputs.siteName

@description('Name of the scoring staging slot.')
output SCORING_STAGING_SLOT string = scoring.outputs.stagingSlotName

@description('HTTPS address of the scoring production slot.')
output SCORING_APP_URI string = scoring.outputs.productionUri

@description('HTTPS address of the scoring staging slot.')
output SCORING_STAGING_URI string = scoring.outputs.stagingUri

@description('Name of the storage account of the model registry and the training data.')
output DATA_STORAGE_ACCOUNT_NAME string = dataStorage.outputs.name

@description('Blob service endpoint of the model registry and the training data.')
output REGISTRY_BLOB_SERVICE_URI string = dataStorage.outputs.blobEndpoint

@description('Blob container of the model registry.')
output REGISTRY_CONTAINER string = registryContainer

@description('Blob container that receives training data sets.')
output TRAINING_DATA_CONTAINER string = trainingDataContainer

@description('Log Analytics workspace (customer) id for KQL queries.')
output LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.workspaceCustomerId

@description('Name of the Application Insights component.')
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName

@description('Name of the Event Grid system topic on the data storage account.')
output EVENT_GRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.systemTopicName
