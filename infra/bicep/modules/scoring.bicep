// The scoring web app: a Linux App Service plan, the web app (production) and its `staging` slot.
// Both have their own system-assigned identity (the slot's identity is not the site's).
// Scoring__ModelVersion is NOT a slot setting: it travels with the code when the slots are swapped.
// Scoring__SlotName IS a slot setting: each slot keeps its own name through a swap.

@description('Azure region of the resources.')
param location string

@description('Tags put on every resource.')
param tags object

@description('Name of the Linux App Service plan.')
param planName string

@description('SKU of the App Service plan; deployment slots need Standard or above.')
param planSku string

@description('Name of the scoring web app.')
param siteName string

@description('azd service name put on the web app as the azd-service-name tag.')
param azdServiceName string

@description('Name of the deployment slot that receives new versions before a swap.')
param stagingSlotName string

@description('Relative path App Service probes for health; the scoring app answers it.')
param healthCheckPath string

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Blob service endpoint of the model registry, e.g. https://NAME.blob.core.windows.net/.')
param registryBlobServiceUri string

@description('Blob container of the model registry.')
param registryContainer string

@description('Name of the registered model the app serves.')
param modelName string

@description('Model version or alias served by the production slot (moves with a swap).')
param productionModelVersion string

@description('Model version or alias served by the staging slot (moves with a swap).')
param stagingModelVersion string


// Settings that stay with their slot through a swap (App Service "deployment slot settings").
var stickySettingNames = [
  'Scoring__SlotName'
]

var siteConfig = {
  linuxFxVersion: 'DOTNETCORE|10.0'
  alwaysOn: true
  http20Enabled: true
  ftpsState: 'Disabled'
  minTlsVersion: '1.2'
  scmMinTlsVersion: '1.2'
  remoteDebuggingEnabled: false
  healthCheckPath: healthCheckPath
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: planSku
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: siteName
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: siteConfig
  }
}

resource siteAppSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    Registry__BlobServiceUri: registryBlobServiceUri
    Registry__Container: registryContainer
    Scoring__ModelName: modelName
    Scoring__ModelVersion: productionModelVersion
    Scoring__SlotName: 'production'
  }
}

resource slotConfigNames 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'slotConfigNames'
  properties: {
    appSettingNames: stickySettingNames
  }
}

resource siteScmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource siteFtpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource stagingSlot 'Microsoft.Web/sites/slots@2025-03-01' = {
  parent: site
  name: stagingSlotName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    siteConfig: siteConfig
  }
}

resource stagingAppSettings 'Microsoft.Web/sites/slots/config@2025-03-01' = {
  parent: stagingSlot
  name: 'appsettings'
  properties: {
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    Registry__BlobServiceUri: registryBlobServiceUri
    Registry__Container: registryContainer
    Scoring__ModelName: modelName
    Scoring__ModelVersion: stagingModelVersion
    Scoring__SlotName: stagingSlotName
  }
}

resource stagingScmPolicy 'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: stagingSlot
  name: 'scm'
  properties: {
    allow: false
  }
}

resource stagingFtpPolicy 'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: stagingSlot
  name: 'ftp'
  properties: {
    allow: false
  }
}

@description('Name of the scoring web app.')
output siteName string = site.name

@description('Name of the staging slot.')
output stagingSlotName string = stagingSlot.name

@description('HTTPS address of the production slot.')
output productionUri string = 'https://${site.properties.defaultHostName}'

@description('HTTPS address of the staging slot.')
output stagingUri string = 'https://${stagingSlot.properties.defaultHostName}'

@description('Object id of the production slot identity.')
output productionPrincipalId string = site.identity.principalId

@description('Object id of the staging slot identity.')
output stagingPrincipalId string = stagingSlot.identity.principalId
