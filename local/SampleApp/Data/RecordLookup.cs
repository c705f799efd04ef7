namespace SfSync.SampleApp.Data;

/// <summary>What a sync lookup asks for: records matching any of the lists.</summary>
/// <param name="CustomerIds">Contacts whose customer is one of these; matches nothing in the customers collection.</param>
/// <param name="IncludeDeleted">Records asked for by <paramref name="Ids"/> or <paramref name="SalesforceIds"/> come back even
/// when deleted, as tombstones. The other lists always match live records only.</param>
internal sealed record RecordLookup(
    IReadOnlyList<long> Ids,
    IReadOnlyList<string> SalesforceIds,
    IReadOnlyList<string> Emails,
    IReadOnlyList<string> Names,
    IReadOnlyList<long> CustomerIds,
    bool IncludeDeleted);
