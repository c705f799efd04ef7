namespace SfSync.Merge;

/// <summary>
/// A true conflict that Salesforce won. The losing app value is kept here (and in the record's status)
/// so that "Salesforce wins" stays auditable and can be undone by hand.
/// </summary>
internal sealed record FieldConflict(string Field, string? SalesforceValue, string? LostAppValue);
