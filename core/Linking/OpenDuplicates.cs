using System.Text.RegularExpressions;
using SfSync.Model;
using SfSync.State;

namespace SfSync.Linking;

/// <summary>One e-mail shared by Salesforce contacts: the one synced and the others, reported since <paramref name="Since"/>.</summary>
/// <param name="Email">Masked (a***@acme.com); null when the report predates masking.</param>
/// <param name="Since">The earliest report of the group still standing (each duplicate's status keeps its latest attempt).</param>
internal sealed record OpenDuplicate(EntityKind Entity, string? Email, string? Linked, IReadOnlyList<string> Others, DateTimeOffset Since);

/// <summary>
/// The duplicates still open: records whose latest status is a <c>DuplicateEmail</c> skip. A duplicate is reconciled
/// again whenever it changes, so one whose e-mail changed, or that was merged away in Salesforce, drops out by itself.
/// </summary>
internal sealed partial class OpenDuplicates(IRecordStatusLog statuses)
{
    public const string Code = "DuplicateEmail";

    public async Task<IReadOnlyList<OpenDuplicate>> ListAsync(int max, CancellationToken cancellationToken = default)
    {
        var reported = await statuses.ListWithErrorAsync(Code, cancellationToken).ConfigureAwait(false);
        return reported
            .Select(s => (Status: s, Keeper: KeeperPattern().Match(s.Error ?? ""), Email: EmailPattern().Match(s.Error ?? "")))
            .GroupBy(r => (r.Status.Entity, Linked: r.Keeper.Success ? r.Keeper.Groups["id"].Value : null))
            .Select(g => new OpenDuplicate(
                g.Key.Entity,
                g.Select(r => r.Email.Success ? r.Email.Groups["email"].Value : null).FirstOrDefault(e => e is not null),
                g.Key.Linked,
                g.Select(r => r.Status.SalesforceId?.Value ?? r.Status.AppId?.Value).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                g.Min(r => r.Status.AttemptedAt)))
            .OrderBy(d => d.Since)
            .Take(max)
            .ToList();
    }

    // The reasons the decisions write: "… is also on Salesforce contact {id}, the one synced" and "… is linked to
    // Salesforce contact {id}" (a duplicate of an app contact linked earlier).
    [GeneratedRegex(@"(?:also on|linked to) Salesforce contact (?<id>[0-9A-Za-z]{15,18})")]
    private static partial Regex KeeperPattern();

    [GeneratedRegex(@"(?<email>\S\*\*\*@\S+?)(?=\s)")]
    private static partial Regex EmailPattern();
}
