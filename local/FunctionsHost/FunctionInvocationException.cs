namespace SfSync.FunctionsHost;

/// <summary>
/// A failed invocation, thrown out of the Service Bus message handler: the extension rethrows the function's exception
/// there too, and that is what makes the SDK's processor abandon the message.
/// </summary>
internal sealed class FunctionInvocationException(string message) : Exception(message);
