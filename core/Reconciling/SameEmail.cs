using SfSync.Linking;
using SfSync.Model;

namespace SfSync.Reconciling;

/// <summary>
/// Among the Salesforce contacts of one round that share an e-mail (trimmed, case aside), the one that keeps it: one
/// already paired with an app contact, else the earliest created (then the lowest id). Every other one is a duplicate
/// of it (§5: "link the earliest created and report the duplicate").
/// </summary>
internal static class SameEmail
{
    /// <summary>The contact <paramref name="view"/>'s Salesforce record is a duplicate of, or null when it keeps its e-mail.</summary>
    public static SalesforceRecord? KeeperOf(RecordView view, ReconcileSnapshot snapshot)
    {
        var matchField = snapshot.Map.MatchField;
        if (snapshot.Entity != EntityKind.Contact || matchField is null || view.Salesforce is not { IsDeleted: false } record
            || MatchKey.Name(matchField.ReadSalesforce(record.Fields)) is not { } email)
        {
            return null;
        }

        var keeper = snapshot.Records
            .Where(v => v.Salesforce is { IsDeleted: false } other && MatchKey.Name(matchField.ReadSalesforce(other.Fields)) == email)
            .OrderBy(v => v.AppAlive ? 0 : 1)
            .ThenBy(v => v.Salesforce!.CreatedDate)
            .ThenBy(v => v.Salesforce!.Id.Value, StringComparer.Ordinal)
            .First();
        return keeper.Salesforce!.Id == record.Id ? null : keeper.Salesforce;
    }
}
