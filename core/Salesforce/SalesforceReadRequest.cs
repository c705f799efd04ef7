using SfSync.Model;

namespace SfSync.Salesforce;

/// <summary>Everything one reconcile needs from Salesforce, read in one go.</summary>
/// <param name="Ids">Records by id, per entity (deleted ones come back flagged; purged ones do not come back).</param>
/// <param name="ContactEmails">Contacts whose Email equals one of these (case-insensitively).</param>
/// <param name="AccountNames">Accounts whose Name equals one of these (case-insensitively).</param>
/// <param name="AccountNameFragments">Accounts whose Name contains one of these, for the company-name rule.</param>
/// <param name="ContactsOfAccounts">Contacts whose AccountId is one of these, to re-create them with their account.</param>
internal sealed record SalesforceReadRequest(
    IReadOnlyList<SalesforceId> AccountIds,
    IReadOnlyList<SalesforceId> ContactIds,
    IReadOnlyList<string> ContactEmails,
    IReadOnlyList<string> AccountNames,
    IReadOnlyList<string> AccountNameFragments,
    IReadOnlyList<SalesforceId> ContactsOfAccounts)
{
    /// <summary>Contacts whose LastName equals one of these (case-insensitively): how our own lost create of a contact
    /// without an e-mail is found again.</summary>
    public IReadOnlyList<string> ContactLastNames { get; init; } = [];

    /// <summary>Records the integration user created since a time (the first 200): what a lost create may have made.</summary>
    public OwnCreatesQuery? OwnCreates { get; init; }

    public bool IsEmpty => AccountIds.Count == 0 && ContactIds.Count == 0 && ContactEmails.Count == 0
        && AccountNames.Count == 0 && AccountNameFragments.Count == 0 && ContactsOfAccounts.Count == 0 && ContactLastNames.Count == 0
        && OwnCreates is null;
}

/// <summary>Records of <paramref name="Entity"/> the integration user created at or after <paramref name="Since"/>.</summary>
internal sealed record OwnCreatesQuery(EntityKind Entity, DateTimeOffset Since);

/// <summary>Every record any lookup of the request found, each once.</summary>
internal sealed record SalesforceReadResult(IReadOnlyList<SalesforceRecord> Accounts, IReadOnlyList<SalesforceRecord> Contacts)
{
    public static SalesforceReadResult Empty { get; } = new([], []);
}
