// Service Bus Standard with the sync-batches queue. The values follow the product's batch sizes: see docs/deploy.md.
param name string
param location string
param tags object
param principalId string
param queueName string

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    minimumTlsVersion: '1.2'
    disableLocalAuth: true
  }

  resource queue 'queues' = {
    name: queueName
    properties: {
      // A batch of 200 records takes seconds; 5 minutes of lock (renewed by the host up to maxAutoLockRenewalDuration) is ample.
      lockDuration: 'PT5M'
      // Failed invocations are rare by design (side outages are deferred in the outbox): 10 deliveries means a real defect.
      maxDeliveryCount: 10
      deadLetteringOnMessageExpiration: true
      // A batch not picked up within a day is stale: the outbox re-sends it anyway, so expire it to the dead-letter queue.
      defaultMessageTimeToLive: 'P1D'
      // Each send carries MessageId <batch id>.<attempt>. The window only has to outlast the SDK's retries of a send whose
      // acknowledgement was lost (about a minute with the client's retry options), so that retry is dropped; it stays well
      // under the planner's stall timeout (30 min), so a deliberate re-send is never dropped even if it reused an id —
      // and it does not: every re-send (stalled, deferred, replayed) is a new attempt. Set when the queue is created only.
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'PT10M'
      maxSizeInMegabytes: 1024
      enablePartitioning: false
    }
  }
}

// Azure Service Bus Data Receiver (the trigger, and peek and receive on the dead-letter queue for GET /api/sync/deadletters
// and its replay) and Data Sender (the handler's SDK sends and scheduled messages). Nothing needs Manage (Data Owner).
var dataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
var dataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [dataReceiver, dataSender]: {
  name: guid(namespace.id, principalId, role)
  scope: namespace
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

output id string = namespace.id
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
