namespace SfSync.Reconciling;

/// <summary>Why a record failed or was skipped. Stored as its string in Table Storage and shown in problem details;
/// adapters pass through the other side's own codes (REQUIRED_FIELD_MISSING, ...) as new values.</summary>
internal readonly record struct SyncErrorCode(string Value)
{
    public static readonly SyncErrorCode ValidationFailed = new("ValidationFailed");
    public static readonly SyncErrorCode RequiredFieldMissing = new("RequiredFieldMissing");
    public static readonly SyncErrorCode DuplicateEmail = new("DuplicateEmail");
    public static readonly SyncErrorCode DuplicateName = new("DuplicateName");
    public static readonly SyncErrorCode ConcurrentUpdate = new("ConcurrentUpdate");
    public static readonly SyncErrorCode ParentNotLinked = new("ParentNotLinked");
    public static readonly SyncErrorCode SyncDisabled = new("SyncDisabled");
    public static readonly SyncErrorCode WriteRejected = new("WriteRejected");
    public static readonly SyncErrorCode AmbiguousLink = new("AmbiguousLink");
    public static readonly SyncErrorCode NotAttempted = new("NotAttempted");
    public static readonly SyncErrorCode OutOfScope = new("OutOfScope");

    public override string ToString() => Value;
}
