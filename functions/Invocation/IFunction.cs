namespace SfSync.Functions.Invocation;

/// <summary>One function of the app: its name is its folder, its function.json and the path the host POSTs to.</summary>
internal interface IFunction
{
    string Name { get; }

    Task RunAsync(InvocationRequest request, InvocationResponse response, CancellationToken cancellationToken);
}
