// What operators are told about: dead-lettered batches, failed or stalled runs, broken Salesforce authentication,
// API usage above the pause threshold, and a sync that stopped running.
param namePrefix string
param location string
param tags object
param alertEmail string
param serviceBusId string
param queueName string
param applicationInsightsId string

@description('Sync:Planning:PauseAtApiUsageShare: the API usage alert fires at this share of the daily limit.')
param pauseAtShare string

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-ops'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'sfsync'
    enabled: true
    emailReceivers: [
      { name: 'operators', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
  }
}

resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages in the sync-batches dead-letter queue: the handler could not answer ten times in a row.'
    severity: 1
    enabled: true
    scopes: [serviceBusId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'deadLettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [{ name: 'EntityName', operator: 'Include', values: [queueName] }]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [{ actionGroupId: actionGroup.id }]
  }
}

// The metric alerts query the handler's own metrics (customMetrics), from the same files the tests check against
// what the telemetry emits (infra/workbook/alerts/*.kql); the last two read the host's and the Salesforce client's logs.
var logAlerts = [
  {
    name: 'failed-runs'
    description: 'A run could not plan (a side unreachable while reading changes) or could not send its batches.'
    severity: 2
    query: loadTextContent('../../workbook/alerts/failed-runs.kql')
    operator: 'GreaterThan'
    threshold: 0
    window: 'PT15M'
  }
  {
    name: 'record-failures'
    description: 'Records were refused by Salesforce or the app (validation rules, required fields, too-long values).'
    severity: 3
    query: loadTextContent('../../workbook/alerts/record-failures.kql')
    operator: 'GreaterThan'
    threshold: 0
    window: 'PT15M'
  }
  {
    name: 'deferrals'
    description: 'Five or more batches deferred in 30 minutes: Salesforce or the app keeps being unavailable.'
    severity: 2
    query: loadTextContent('../../workbook/alerts/deferrals.kql')
    operator: 'GreaterThan'
    threshold: 0
    window: 'PT30M'
  }
  {
    name: 'planner-lag'
    description: 'A change planned more than 30 minutes ago is still not applied: the sync has fallen behind.'
    severity: 2
    query: loadTextContent('../../workbook/alerts/planner-lag.kql')
    operator: 'GreaterThan'
    threshold: 0
    window: 'PT15M'
  }
  {
    name: 'dead-lettered'
    description: 'The timer run measured dead-lettered batches (the Service Bus metric alert says the same from the namespace).'
    severity: 2
    query: loadTextContent('../../workbook/alerts/dead-letters.kql')
    operator: 'GreaterThan'
    threshold: 0
    window: 'PT15M'
  }
  {
    name: 'api-usage'
    description: 'Salesforce API usage passed the pause threshold; planning is paused until usage falls.'
    severity: 2
    query: replace(loadTextContent('../../workbook/alerts/api-usage.kql'), '{PauseAtShare}', pauseAtShare)
    operator: 'GreaterThan'
    threshold: 0
    window: 'PT15M'
  }
  {
    name: 'stalled-or-rejected'
    description: 'A batch was sent again because it stalled, or a queue message was not a batch (the host keeps both lines).'
    severity: 2
    query: 'traces | where message has_any ("re-sends", "was not processed")'
    operator: 'GreaterThan'
    threshold: 0
    window: 'PT15M'
  }
  {
    name: 'salesforce-auth'
    description: 'Salesforce refused the credentials (expired certificate, revoked token, wrong secret): the connection is broken.'
    severity: 1
    query: 'traces | where message has "refused the" and message has "token request"'
    operator: 'GreaterThan'
    threshold: 0
    window: 'PT15M'
  }
  {
    name: 'stalled-sync'
    description: 'No successful timer run for 30 minutes: the sync is not running.'
    severity: 1
    query: 'requests | where name == "SyncTimer" and success == true'
    operator: 'LessThan'
    threshold: 1
    window: 'PT30M'
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [for alert in logAlerts: {
  name: '${namePrefix}-${alert.name}'
  location: location
  tags: tags
  properties: {
    displayName: '${namePrefix}-${alert.name}'
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [applicationInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: alert.window
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: 'Count'
          operator: alert.operator
          threshold: alert.threshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}]
