namespace SfSync.Reconciling;

/// <summary>
/// Per-record errors that clear by themselves: the record is tried again later with growing delays instead of waiting
/// for its next change. Everything else is permanent: recorded, and tried again on the next change or on request.
/// </summary>
internal static class TransientErrors
{
    private static readonly HashSet<string> Codes = new(StringComparer.Ordinal)
    {
        // Salesforce: another transaction holds the row; a parent that is not valid (yet, or any more: it was just
        // deleted, and the next round links the record to its parent's successor or follows the deletion); the org is busy.
        "UNABLE_TO_LOCK_ROW",
        "INVALID_CROSS_REFERENCE_KEY",
        "ENTITY_IS_DELETED",
        "REQUEST_RUNNING_TOO_LONG",
        "SERVER_UNAVAILABLE",

        // The app sync API: a concurrent write or a short outage of the app's own store; a record or customer that is not
        // there (any more): the next round reads what became of it and follows the deletion rules or the new parent.
        "Conflict",
        "NotFound",
        "Locked",
        "Unavailable",
    };

    public static bool Is(string? code) => code is not null && Codes.Contains(code);
}
