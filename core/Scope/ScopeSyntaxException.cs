namespace SfSync.Scope;

/// <summary>A filter that does not parse: <see cref="Position"/> is the 1-based character where it went wrong.</summary>
internal sealed class ScopeSyntaxException : Exception
{
    public ScopeSyntaxException(string problem, int position)
        : base($"at character {position}: {problem}")
    {
        Problem = problem;
        Position = position;
    }

    public ScopeSyntaxException()
    {
        Problem = "";
    }

    public ScopeSyntaxException(string message) : base(message)
    {
        Problem = message;
    }

    public ScopeSyntaxException(string message, Exception innerException) : base(message, innerException)
    {
        Problem = message;
    }

    public string Problem { get; }

    public int Position { get; }
}
