using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;

namespace SfSync.FunctionsHost;

/// <summary>
/// The Service Bus extension's listener for one serviceBusTrigger function, on the real SDK.
/// <para>
/// <c>cardinality: one</c>: a <see cref="ServiceBusProcessor"/> with the options host.json gives (maxConcurrentCalls,
/// prefetchCount, autoCompleteMessages, maxAutoLockRenewalDuration). A failed invocation — non-2xx, timeout, crash, a
/// failed output send — throws out of the message handler, so the processor abandons the message: it is redelivered at
/// once with DeliveryCount + 1, and the queue dead-letters it after its max delivery count. A success is completed by
/// the processor (with autoComplete).
/// </para>
/// <para>
/// <c>cardinality: many</c>: the extension's batch loop — one receive of at most maxMessageBatchSize messages, one
/// invocation, then every message completed on success (with autoComplete) or abandoned on failure, one batch at a time.
/// Its locks are not renewed, as the extension renews none for batches.
/// </para>
/// </summary>
internal sealed class ServiceBusListener : IAsyncDisposable
{
    private readonly FunctionDefinition _function;
    private readonly ServiceBusClient _client;
    private readonly Invoker _invoker;
    private readonly Action<string> _output;
    private readonly CancellationTokenSource _stopping = new();
    private ServiceBusProcessor? _processor;
    private ServiceBusReceiver? _batchReceiver;
    private Task _batchLoop = Task.CompletedTask;

    private ServiceBusListener(FunctionDefinition function, ServiceBusClient client, Invoker invoker, Action<string> output)
    {
        _function = function;
        _client = client;
        _invoker = invoker;
        _output = output;
    }

    public static async Task<ServiceBusListener> StartAsync(FunctionDefinition function, ServiceBusHostOptions options, ServiceBusConnections connections, Invoker invoker, Action<string> output, CancellationToken cancellationToken = default)
    {
        var trigger = function.Trigger;
        var client = connections.Client(trigger);
        var queue = connections.QueueName(trigger);
        // As the extension: the trigger's own autoCompleteMessages and maxMessageBatchSize win over host.json's.
        var autoComplete = trigger["autoCompleteMessages"]?.GetValue<bool>() ?? options.AutoCompleteMessages;
        var listener = new ServiceBusListener(function, client, invoker, output);
        if (function.IsBatch)
        {
            listener._batchReceiver = client.CreateReceiver(queue, options.ToReceiverOptions());
            var maxMessages = trigger["maxMessageBatchSize"]?.GetValue<int>() ?? options.MaxMessageBatchSize;
            listener._batchLoop = listener.RunBatchLoopAsync(listener._batchReceiver, maxMessages, autoComplete, listener._stopping.Token);
            return listener;
        }

        listener._processor = client.CreateProcessor(queue, options.ToProcessorOptions(autoComplete));
        listener._processor.ProcessMessageAsync += listener.ProcessMessageAsync;
        listener._processor.ProcessErrorAsync += listener.ProcessErrorAsync;
        await listener._processor.StartProcessingAsync(cancellationToken);
        return listener;
    }

    /// <summary>Stops receiving; invocations in flight are cancelled, and their messages abandoned or left to their locks.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_processor is not null)
        {
            await _processor.StopProcessingAsync();
            await _processor.DisposeAsync();
        }

        await _batchLoop;
        if (_batchReceiver is not null)
        {
            await _batchReceiver.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task ProcessMessageAsync(ProcessMessageEventArgs args)
    {
        var message = args.Message;
        var data = new JsonObject { [_function.TriggerName] = ServiceBusBindingData.Body(message) };
        var result = await _invoker.InvokeAsync(_function, data, ServiceBusBindingData.Metadata(message, _client), args.CancellationToken);
        if (!result.Succeeded)
        {
            _output($"message #{message.SequenceNumber} (delivery {message.DeliveryCount}) failed, abandoned: {result.Error}");
            throw new FunctionInvocationException($"{_function.Name} failed: {result.Error}");
        }
    }

    private Task ProcessErrorAsync(ProcessErrorEventArgs args)
    {
        // A failed invocation was reported where it happened; the rest are the SDK's own (receive, settle, renew lock).
        if (args.Exception is not FunctionInvocationException)
        {
            _output($"Service Bus {args.ErrorSource} on {args.EntityPath}: {args.Exception.Message}");
        }

        return Task.CompletedTask;
    }

    private async Task RunBatchLoopAsync(ServiceBusReceiver receiver, int maxMessages, bool autoComplete, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var messages = await receiver.ReceiveMessagesAsync(maxMessages, cancellationToken: cancellationToken);
                if (messages.Count == 0)
                {
                    continue;
                }

                var data = new JsonObject { [_function.TriggerName] = ServiceBusBindingData.Bodies(messages) };
                var result = await _invoker.InvokeAsync(_function, data, ServiceBusBindingData.BatchMetadata(messages, _client), cancellationToken);
                // Settled with CancellationToken.None, as the extension does, so a stop does not leave them half settled.
                if (result.Succeeded && autoComplete)
                {
                    await Task.WhenAll(messages.Select(m => receiver.CompleteMessageAsync(m, CancellationToken.None)));
                }
                else if (!result.Succeeded)
                {
                    _output($"batch of {messages.Count} messages failed, abandoned: {result.Error}");
                    await Task.WhenAll(messages.Select(m => receiver.AbandonMessageAsync(m, cancellationToken: CancellationToken.None)));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ServiceBusException exception)
            {
                // The extension logs and goes round again; a lost lock or a dropped link must not end the loop.
                _output($"Service Bus batch loop on {receiver.EntityPath}: {exception.Message}");
            }
        }
    }
}
