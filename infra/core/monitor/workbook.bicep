// The "Sync operations" workbook on the Application Insights resource. Its KQL lives in infra/workbook/queries/*.kql,
// loaded here; a test checks that every table, column, metric and dimension they use is one the handler emits.
param location string
param tags object
param applicationInsightsId string

@description('Sync:Planning:PauseAtApiUsageShare, drawn as the pause threshold on the API usage chart.')
param pauseAtShare string

var q = {
  runs: loadTextContent('../../workbook/queries/runs-over-time.kql')
  failures: loadTextContent('../../workbook/queries/failures-by-reason.kql')
  recentFailures: loadTextContent('../../workbook/queries/recent-failures.kql')
  records: loadTextContent('../../workbook/queries/records-by-outcome.kql')
  usage: loadTextContent('../../workbook/queries/api-usage.kql')
  deadLetters: loadTextContent('../../workbook/queries/dead-letter-depth.kql')
  slowest: loadTextContent('../../workbook/queries/slowest-batches.kql')
  lag: loadTextContent('../../workbook/queries/planner-lag.kql')
  record: loadTextContent('../../workbook/queries/record-history.kql')
}

var panels = [
  { name: 'runs', title: 'Runs over time, by outcome', query: q.runs, visualization: 'barchart' }
  { name: 'failures', title: 'Failed records by reason', query: q.failures, visualization: 'table' }
  { name: 'recent-failures', title: 'Newest failed records', query: q.recentFailures, visualization: 'table' }
  { name: 'records', title: 'Records by side and outcome', query: q.records, visualization: 'table' }
  { name: 'usage', title: 'Salesforce API usage against the daily limit and the pause threshold', query: q.usage, visualization: 'linechart' }
  { name: 'dead-letters', title: 'Dead-letter depth', query: q.deadLetters, visualization: 'linechart' }
  { name: 'lag', title: 'Planner lag (seconds)', query: q.lag, visualization: 'linechart' }
  { name: 'slowest', title: 'Slowest batches', query: q.slowest, visualization: 'table' }
]

var parameters = {
  type: 9
  name: 'parameters'
  content: {
    version: 'KqlParameterItem/1.0'
    parameters: [
      {
        id: 'a1f3c0de-0000-4000-8000-000000000001'
        version: 'KqlParameterItem/1.0'
        name: 'TimeRange'
        label: 'Time range'
        type: 4
        isRequired: true
        value: { durationMs: 86400000 }
        typeSettings: { selectableValues: [{ durationMs: 3600000 }, { durationMs: 86400000 }, { durationMs: 604800000 }, { durationMs: 2592000000 }] }
      }
      {
        id: 'a1f3c0de-0000-4000-8000-000000000002'
        version: 'KqlParameterItem/1.0'
        name: 'RecordId'
        label: 'Salesforce or app id'
        type: 1
        value: ''
      }
      {
        id: 'a1f3c0de-0000-4000-8000-000000000003'
        version: 'KqlParameterItem/1.0'
        name: 'PauseAtShare'
        label: 'Pause threshold'
        type: 1
        value: pauseAtShare
      }
    ]
  }
}

var heading = {
  type: 1
  name: 'heading'
  content: { json: '## Sync operations\nDid the last runs succeed, which records failed and why, how much Salesforce API budget is left, and is anything dead-lettered. Every query filters on the dimensions the handler puts on its telemetry (RunId, PlanId, BatchId, Entity, Side, Outcome, ErrorCode, InvocationId).' }
}

var queryItems = [for panel in panels: {
  type: 3
  name: panel.name
  content: {
    version: 'KqlItem/1.0'
    query: panel.query
    size: 0
    title: panel.title
    timeContextFromParameter: 'TimeRange'
    queryType: 0
    resourceType: 'microsoft.insights/components'
    visualization: panel.visualization
  }
}]

var recordItem = {
  type: 3
  name: 'record-history'
  conditionalVisibility: { parameterName: 'RecordId', comparison: 'isNotEqualTo', value: '' }
  content: {
    version: 'KqlItem/1.0'
    query: q.record
    size: 0
    title: 'History of record {RecordId}'
    timeContextFromParameter: 'TimeRange'
    queryType: 0
    resourceType: 'microsoft.insights/components'
    visualization: 'table'
  }
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'sync-operations')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Sync operations'
    category: 'workbook'
    sourceId: applicationInsightsId
    version: 'Notebook/1.0'
    serializedData: string({
      version: 'Notebook/1.0'
      items: concat([heading, parameters], queryItems, [recordItem])
      fallbackResourceIds: [applicationInsightsId]
    })
  }
}

output id string = workbook.id
