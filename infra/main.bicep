// The whole deployment: azd up (or az deployment sub create) with infra/main.parameters.json.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('azd environment name; names and tags derive from it.')
param environmentName string

@minLength(1)
param location string

@description('Where alerts are e-mailed.')
param alertEmail string

param syncSchedule string = '0 */5 * * * *'
param salesforceLoginUrl string = 'https://test.salesforce.com'

@allowed(['JwtBearer', 'ClientCredentials', 'RefreshToken', 'Password'])
param salesforceAuthFlow string = 'JwtBearer'

param salesforceClientId string
param salesforceUsername string = ''
param salesforceExternalIdField string = ''
param appBaseUrl string
param appScope string = ''

@allowed(['LeaveDuplicates', 'ExactName'])
param accountMatching string = 'LeaveDuplicates'

@description('Sync:Planning:PauseAtApiUsageShare as the alerts and the workbook draw it (keep in step with the app setting).')
param pauseAtApiUsageShare string = '0.8'

var abbrs = loadJsonContent('abbreviations.json')
var token = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var queueName = 'sync-batches'
var deploymentContainerName = 'deployments'

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity/user-assigned-identity.bicep' = {
  scope: group
  params: { name: '${abbrs.managedIdentity}${token}', location: location, tags: tags }
}

module storage 'core/storage/storage-account.bicep' = {
  scope: group
  params: {
    name: '${abbrs.storageAccount}${token}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    deploymentContainerName: deploymentContainerName
  }
}

module serviceBus 'core/messaging/service-bus.bicep' = {
  scope: group
  params: { name: '${abbrs.serviceBusNamespace}${token}', location: location, tags: tags, principalId: identity.outputs.principalId, queueName: queueName }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  scope: group
  params: {
    logAnalyticsName: '${abbrs.logAnalyticsWorkspace}${token}'
    applicationInsightsName: '${abbrs.applicationInsights}${token}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module keyVault 'core/security/key-vault.bicep' = {
  scope: group
  params: { name: '${abbrs.keyVault}${token}', location: location, tags: tags, principalId: identity.outputs.principalId }
}

module plan 'core/host/flex-plan.bicep' = {
  scope: group
  params: { name: '${abbrs.appServicePlan}${token}', location: location, tags: tags }
}

module function 'app/sync-function.bicep' = {
  scope: group
  params: {
    name: '${abbrs.functionApp}${token}'
    location: location
    tags: tags
    planId: plan.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultName: keyVault.outputs.name
    syncSchedule: syncSchedule
    salesforceLoginUrl: salesforceLoginUrl
    salesforceAuthFlow: salesforceAuthFlow
    salesforceClientId: salesforceClientId
    salesforceUsername: salesforceUsername
    salesforceExternalIdField: salesforceExternalIdField
    appBaseUrl: appBaseUrl
    appScope: appScope
    accountMatching: accountMatching
  }
}

module alerts 'core/monitor/alerts.bicep' = {
  scope: group
  params: {
    namePrefix: '${abbrs.alert}${token}'
    location: location
    tags: tags
    alertEmail: alertEmail
    serviceBusId: serviceBus.outputs.id
    queueName: queueName
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    pauseAtShare: pauseAtApiUsageShare
  }
}

module workbook 'core/monitor/workbook.bicep' = {
  scope: group
  params: {
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    pauseAtShare: pauseAtApiUsageShare
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_APP_NAME string = function.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${function.outputs.defaultHostName}'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
