namespace SfSync.Queue;

/// <summary>Thrown by a queue adapter when a send or a dead-letter operation failed through the client's own retries.</summary>
internal sealed class QueueUnavailableException : Exception
{
    public QueueUnavailableException()
    {
    }

    public QueueUnavailableException(string message) : base(message)
    {
    }

    public QueueUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
