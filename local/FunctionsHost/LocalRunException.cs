namespace SfSync.FunctionsHost;

/// <summary>Something the local run cannot start with; its message says what and what to do, and the run exits 1.</summary>
internal sealed class LocalRunException(string message) : Exception(message);
