// The Function App: the custom handler (host.json, functions/*/function.json and the linux-x64 handler binary), with
// every setting the product reads, identity-based connections and Key Vault references for the secrets.
param name string
param location string
param tags object
param planId string
param identityId string
param identityClientId string
param storageName string
param storageBlobEndpoint string
param storageTableEndpoint string
param deploymentContainerName string
param serviceBusNamespace string
param applicationInsightsConnectionString string
param keyVaultName string

@description('SyncTimer schedule (NCRONTAB).')
param syncSchedule string

@description('Salesforce login host: https://test.salesforce.com for a sandbox, https://login.salesforce.com or the My Domain for production.')
param salesforceLoginUrl string

@allowed(['JwtBearer', 'ClientCredentials', 'RefreshToken', 'Password'])
param salesforceAuthFlow string

param salesforceClientId string
param salesforceUsername string
param salesforceExternalIdField string

@description('The app sync API address.')
param appBaseUrl string

@description('Entra ID scope of the app (api://your-app/.default); empty to use the API key secret instead.')
param appScope string

param accountMatching string

// Key Vault references: the secret values live in the vault only (docs/deploy.md lists them).
var kv = 'https://${keyVaultName}${environment().suffixes.keyvaultDns}/secrets'
var secret = {
  salesforceClientSecret: '@Microsoft.KeyVault(SecretUri=${kv}/salesforce-client-secret)'
  salesforceJwtCertificate: '@Microsoft.KeyVault(SecretUri=${kv}/salesforce-jwt-certificate)'
  salesforceRefreshToken: '@Microsoft.KeyVault(SecretUri=${kv}/salesforce-refresh-token)'
  salesforcePassword: '@Microsoft.KeyVault(SecretUri=${kv}/salesforce-password)'
  salesforceSecurityToken: '@Microsoft.KeyVault(SecretUri=${kv}/salesforce-security-token)'
  appApiKey: '@Microsoft.KeyVault(SecretUri=${kv}/app-api-key)'
}

// app-settings:begin (a test checks that every setting of local.settings.sample.json is here)
var appSettings = {
  AzureWebJobsStorage__accountName: storageName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identityClientId
  SyncSchedule: syncSchedule
  SweepSchedule: '0 */15 * * * *' // functions/SweepTimer: continues a running drift sweep; Sync__Sweep__StartEvery starts one daily
  SyncState__tableServiceUri: storageTableEndpoint
  SyncState__clientId: identityClientId
  Sync__State__Connection: 'SyncState'
  Sync__Queue__Connection: 'ServiceBusConnection'
  Sync__Queue__QueueName: 'sync-batches' // functions/ApplyBatch/function.json
  Sync__State__TablePrefix: 'Sync'
  Sync__State__RunRetention: '30.00:00:00'
  Salesforce__LoginUrl: salesforceLoginUrl
  Salesforce__ApiVersion: 'v62.0'
  Salesforce__CompositeCoalescingWindow: '00:00:00.050'
  Salesforce__AuthFlow: salesforceAuthFlow
  Salesforce__ClientId: salesforceClientId
  Salesforce__ClientSecret: contains(['ClientCredentials', 'Password'], salesforceAuthFlow) ? secret.salesforceClientSecret : ''
  Salesforce__Username: salesforceUsername
  Salesforce__Password: salesforceAuthFlow == 'Password' ? secret.salesforcePassword : ''
  Salesforce__SecurityToken: salesforceAuthFlow == 'Password' ? secret.salesforceSecurityToken : ''
  Salesforce__RefreshToken: salesforceAuthFlow == 'RefreshToken' ? secret.salesforceRefreshToken : ''
  Salesforce__JwtCertificate: salesforceAuthFlow == 'JwtBearer' ? secret.salesforceJwtCertificate : ''
  Salesforce__JwtAudience: ''
  Salesforce__ExternalIdField: salesforceExternalIdField
  Salesforce__AttemptTimeout: '00:00:30'
  Salesforce__TotalTimeout: '00:01:30'
  Salesforce__MaxRetries: '3'
  Salesforce__RetryDelay: '00:00:01'
  App__BaseUrl: appBaseUrl
  App__ApiKey: empty(appScope) ? secret.appApiKey : ''
  App__Scope: appScope
  App__ManagedIdentityClientId: identityClientId
  App__ChangePageSize: '1000'
  App__AttemptTimeout: '00:00:30'
  App__TotalTimeout: '00:01:30'
  App__MaxRetries: '3'
  App__RetryDelay: '00:00:01'
  Sync__BatchSize: '200'
  Sync__AccountMatching: accountMatching
  Sync__Duplicates: 'Report'
  Sync__DefaultAccountOwnerId: ''
  Sync__RaceAttempts: '3'
  Sync__Deletions__Account__WhenDeletedInSalesforce: 'Propagate'
  Sync__Deletions__Account__WhenDeletedInApp: 'Keep'
  Sync__Deletions__Contact__WhenDeletedInSalesforce: 'Propagate'
  Sync__Deletions__Contact__WhenDeletedInApp: 'Propagate'
  Sync__Planning__SalesforceLookback: '00:10:00'
  Sync__Planning__ChangePageSize: '2000'
  Sync__Planning__MaxKeysPerRun: '50000'
  Sync__Planning__StallTimeout: '00:30:00'
  Sync__Planning__DeferralBaseDelay: '00:01:00'
  Sync__Planning__DeferralMaxDelay: '01:00:00'
  Sync__Planning__FollowUpBaseDelay: '00:00:05'
  Sync__Planning__PauseAtApiUsageShare: '0.8'
  Sync__Planning__ApiUsageResumeMargin: '0.05'
  Sync__Scope__Account__Salesforce: ''
  Sync__Scope__Account__SalesforceListView: ''
  Sync__Scope__Account__App: ''
  Sync__Scope__Contact__Salesforce: ''
  Sync__Scope__Contact__SalesforceListView: ''
  Sync__Scope__Contact__App: ''
  Sync__Scope__ListViewRefresh: '01:00:00'
  Sync__Planning__ApiUsageMaxAge: '00:10:00'
  Sync__Sweep__StartEvery: '1.00:00:00'
  Sync__Sweep__MaxSalesforceCallsPerSlice: '10'
  Sync__Sweep__MaxSliceDuration: '00:02:00'
  Sync__Sweep__PageSize: '2000'
  Sync__Sweep__SettleTime: '01:00:00'
  Sync__Sweep__OwnWriteAllowance: '00:05:00'
}
// app-settings:end

resource function 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'sync' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [for setting in items(appSettings): { name: setting.key, value: setting.value }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        // Four instances at four concurrent batches each keep Salesforce's concurrent-request limit (25) far away.
        maximumInstanceCount: 40
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
  }
}

// No FTP or basic-auth publishing: deployments go through the identity.
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: function
  name: 'ftp'
  properties: { allow: false }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: function
  name: 'scm'
  properties: { allow: false }
}

output name string = function.name
output id string = function.id
output defaultHostName string = function.properties.defaultHostName
